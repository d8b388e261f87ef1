import { Card } from "../../components/ui";

export default function DatasetPage() {
  return (
    <div className="page-grid">
      <Card title="Dataset">
        <p className="muted">This page is being built.</p>
      </Card>
    </div>
  );
}
