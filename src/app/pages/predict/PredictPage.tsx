import { Card } from "../../components/ui";

export default function PredictPage() {
  return (
    <div className="page-grid">
      <Card title="Predict">
        <p className="muted">This page is being built.</p>
      </Card>
    </div>
  );
}
