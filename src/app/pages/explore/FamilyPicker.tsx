import type { DeviceLimits, KernelFamily } from "../../../core/families/family";
import { familyRefusal } from "../../../core/families/index";
import type { ConvProblem } from "../../../core/problem";
import { Card } from "../../components/ui";

/**
 * The kernel families as radio buttons; a family that cannot run the problem on this device says why
 * (and, for a missing feature, how to get it).
 */
export function FamilyPicker({
  families,
  problem,
  limits,
  selected,
  onSelect,
}: {
  families: readonly KernelFamily[];
  problem: ConvProblem | null;
  limits: DeviceLimits;
  selected: string;
  onSelect(id: string): void;
}) {
  const chosen = families.find((f) => f.id === selected);
  return (
    <Card
      title="Kernel family"
      subtitle="How the convolution is written; each family has its own tuning space."
    >
      <fieldset className="family-list" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="sr-only">Kernel family</legend>
        {families.map((family) => {
          const why = problem ? familyRefusal(family, problem, limits) : null;
          return (
            <label key={family.id} className={`family-option ${why ? "unsupported" : ""}`}>
              <input
                type="radio"
                name="family"
                value={family.id}
                checked={family.id === selected}
                disabled={Boolean(why)}
                onChange={() => onSelect(family.id)}
              />
              <span>
                <strong>{family.title}</strong>
                {why && <span className="muted"> — {why}</span>}
              </span>
            </label>
          );
        })}
      </fieldset>
      {chosen && <p className="muted">{chosen.description}</p>}
    </Card>
  );
}
