import { type ReactNode, useId, useRef } from "react";

/** A titled region: its heading names it for screen readers. */
export function Card({
  title,
  subtitle,
  actions,
  children,
  className = "",
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section className={`card ${className}`} aria-labelledby={id}>
      <header className="card-head">
        <div>
          <h2 id={id}>{title}</h2>
          {subtitle && <p className="subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** One big number with its label, e.g. "Valid configs 1,234". */
export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

/**
 * A button that is disabled exactly while something stands in its way, and then says what beside
 * itself (as its accessible description too). `busy` disables it without a word: its running action
 * shows its own progress.
 */
export function GuardedButton({
  blockedBy,
  busy = false,
  className = "button",
  title,
  onClick,
  children,
}: {
  blockedBy: string | null;
  busy?: boolean;
  className?: string;
  title?: string;
  onClick(): void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={busy || blockedBy !== null}
        aria-describedby={blockedBy ? id : undefined}
        title={title}
        onClick={onClick}
      >
        {children}
      </button>
      {blockedBy && (
        <span id={id} className="blocked-by">
          {blockedBy}
        </span>
      )}
    </>
  );
}

/**
 * A button that opens the browser's file chooser (a hidden file input, so the button can be styled and
 * disabled like the others) and hands the chosen file over; choosing the same file again works too.
 */
export function FilePicker({
  label,
  accept,
  disabled = false,
  onFile,
  children,
}: {
  /** The file input's accessible name: what the file is for. */
  label: string;
  accept: string;
  disabled?: boolean;
  onFile(file: File): void;
  children: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        {children}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label={label}
        accept={accept}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = "";
        }}
      />
    </>
  );
}

export function Callout({
  tone,
  title,
  children,
}: {
  tone: "info" | "warn" | "bad";
  title: string;
  children: ReactNode;
}) {
  return (
    <div className={`callout tone-${tone}`} role={tone === "bad" ? "alert" : "note"}>
      <strong>{title}</strong>
      <div>{children}</div>
    </div>
  );
}

/** A determinate progress bar with its text alternative. */
export function Progress({
  label,
  value,
  max,
  detail,
}: {
  label: string;
  value: number;
  max: number;
  detail?: ReactNode;
}) {
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
      >
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      {detail && <div className="progress-detail">{detail}</div>}
    </div>
  );
}
