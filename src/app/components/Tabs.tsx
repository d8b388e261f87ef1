import { type KeyboardEvent, useRef } from "react";

interface TabsProps<T extends string> {
  label: string;
  tabs: readonly T[];
  titles: Record<T, string>;
  selected: T;
  onSelect(tab: T): void;
  /** id prefix shared with the panel: tab `${idPrefix}-tab-${tab}` controls `${idPrefix}-panel`. */
  idPrefix: string;
}

/** WAI-ARIA tabs: one tab stop, arrow keys / Home / End move between tabs and select them. */
export function Tabs<T extends string>({ label, tabs, titles, selected, onSelect, idPrefix }: TabsProps<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.indexOf(selected);
    const next =
      event.key === "ArrowRight"
        ? tabs[(index + 1) % tabs.length]
        : event.key === "ArrowLeft"
          ? tabs[(index - 1 + tabs.length) % tabs.length]
          : event.key === "Home"
            ? tabs[0]
            : event.key === "End"
              ? tabs[tabs.length - 1]
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    onSelect(next);
    refs.current.get(next)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab}
          ref={(el) => {
            if (el) refs.current.set(tab, el);
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${tab}`}
          aria-selected={tab === selected}
          aria-controls={`${idPrefix}-panel`}
          tabIndex={tab === selected ? 0 : -1}
          className="tab"
          onClick={() => onSelect(tab)}
        >
          {titles[tab]}
        </button>
      ))}
    </div>
  );
}
