import { type ReactNode, useState } from "react";

const KEYWORDS = new Set(
  "fn let var const override struct return if else for loop while break continue switch case default alias enable requires workgroupBarrier storageBarrier".split(
    " ",
  ),
);
const TYPES =
  /^(?:[iuf](?:32|16)|bool|vec[234][iuhf]?|mat\d x\d|array|atomic|ptr|storage|uniform|workgroup|function|private|read_write|read)$/;
const TOKEN = /(\/\/[^\n]*)|(@[a-z_]+)|(\b\d[\w.]*\b)|([A-Za-z_]\w*)|(\s+|[^\s\w@/]+|\/)/g;

/** A light WGSL highlighter: comments, attributes, numbers, keywords and types. */
export function highlightWgsl(code: string): ReactNode[] {
  const out: ReactNode[] = [];
  let key = 0;
  for (const m of code.matchAll(TOKEN)) {
    const [text, comment, attribute, number, word] = m;
    const className = comment
      ? "co"
      : attribute
        ? "at"
        : number
          ? "nu"
          : word && KEYWORDS.has(word)
            ? "kw"
            : word && TYPES.test(word)
              ? "ty"
              : null;
    out.push(
      className ? (
        <span key={key++} className={className}>
          {text}
        </span>
      ) : (
        text
      ),
    );
  }
  return out;
}

/** Source code with a copy button; the button says when the copy worked. */
export function CodeView({ code, label }: { code: string; label: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () =>
    navigator.clipboard.writeText(code).then(
      () => setCopied("copied"),
      () => setCopied("failed"),
    );
  return (
    <div className="code-view">
      <div className="card-actions" style={{ justifyContent: "flex-end", marginBottom: "0.4rem" }}>
        <span className="muted" aria-live="polite">
          {copied === "copied" ? "Copied" : copied === "failed" ? "The clipboard refused the copy" : ""}
        </span>
        <button type="button" className="button secondary" onClick={copy} aria-label={`Copy ${label}`}>
          Copy
        </button>
      </div>
      <figure style={{ margin: 0 }}>
        <figcaption className="sr-only">{label}</figcaption>
        <pre className="code">
          <code>{highlightWgsl(code)}</code>
        </pre>
      </figure>
    </div>
  );
}
