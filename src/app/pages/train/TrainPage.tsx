import { Card } from "../../components/ui";

export default function TrainPage() {
  return (
    <div className="page-grid">
      <Card title="Train">
        <p className="muted">This page is being built.</p>
      </Card>
    </div>
  );
}
