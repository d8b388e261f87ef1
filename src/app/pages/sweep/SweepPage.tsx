import { Card } from "../../components/ui";

export default function SweepPage() {
  return (
    <div className="page-grid">
      <Card title="Sweep">
        <p className="muted">This page is being built.</p>
      </Card>
    </div>
  );
}
