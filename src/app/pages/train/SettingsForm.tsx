import { useId } from "react";
import { clampSetting, SETTING_BOUNDS, type TrainSettings } from "../../store/train";

type NumericSetting = keyof typeof SETTING_BOUNDS;
const NUMERIC_SETTINGS = Object.keys(SETTING_BOUNDS) as NumericSetting[];

/**
 * The model's hyperparameters, each clamped to its bounds. `fineTuning` leaves out the architecture
 * (hidden units, attention): a model keeps its own as it learns on. The near-best share needs data
 * with every config's time (`timedData`: this lab's records).
 */
export function SettingsForm({
  settings,
  disabled,
  fineTuning,
  timedData,
  onChange,
}: {
  settings: TrainSettings;
  disabled: boolean;
  fineTuning: boolean;
  timedData: boolean;
  onChange(partial: Partial<TrainSettings>): void;
}) {
  const id = useId();
  const shown = NUMERIC_SETTINGS.filter(
    (name) => !(fineTuning && name === "units") && (timedData || name !== "nearBestPercent"),
  );
  return (
    <div className="fields">
      {shown.map((name) => {
        const bounds = SETTING_BOUNDS[name];
        return (
          <div key={name}>
            <label className="field-label" htmlFor={`${id}-${name}`}>
              {bounds.label}
            </label>
            <input
              id={`${id}-${name}`}
              className="text-input mono"
              type="number"
              min={bounds.min}
              max={bounds.max}
              step={bounds.step}
              defaultValue={settings[name]}
              disabled={disabled}
              title={bounds.hint}
              // Commit while typing only when the number is already in range; clamp what's left on blur.
              onChange={(e) => {
                const v = e.target.valueAsNumber;
                if (v >= bounds.min && v <= bounds.max) onChange({ [name]: clampSetting(name, v) });
              }}
              onBlur={(e) => {
                const v = clampSetting(name, e.target.valueAsNumber);
                e.target.value = String(v);
                onChange({ [name]: v });
              }}
            />
          </div>
        );
      })}
      {fineTuning ? (
        <p className="muted">Hidden units and attention: the fine-tuned model's own.</p>
      ) : (
        <label className="checkbox" title="dot-product attention over the encoder's states">
          <input
            type="checkbox"
            checked={settings.attention}
            disabled={disabled}
            onChange={(e) => onChange({ attention: e.target.checked })}
          />
          Attention
        </label>
      )}
    </div>
  );
}
