import { lazy, Suspense, useEffect } from "react";
import { DemoBanner } from "./components/DemoBanner";
import { Tabs } from "./components/Tabs";
import { DeviceChip } from "./pages/device/DeviceChip";
import { DevicePage } from "./pages/device/DevicePage";
import { useLab } from "./store";
import { PAGE_TITLES, PAGES, type PageId } from "./url";

// Only the first screen is in the main bundle; the other pages (and recharts, tfjs) load on demand.
const ExplorePage = lazy(() => import("./pages/explore/ExplorePage"));
const SweepPage = lazy(() => import("./pages/sweep/SweepPage"));
const DatasetPage = lazy(() => import("./pages/dataset/DatasetPage"));
const TrainPage = lazy(() => import("./pages/train/TrainPage"));
const PredictPage = lazy(() => import("./pages/predict/PredictPage"));

const PAGE_COMPONENTS: Record<PageId, () => React.ReactNode> = {
  device: () => <DevicePage />,
  explore: () => <ExplorePage />,
  sweep: () => <SweepPage />,
  dataset: () => <DatasetPage />,
  train: () => <TrainPage />,
  predict: () => <PredictPage />,
};

export function App() {
  const page = useLab((s) => s.view.page);
  const goTo = useLab((s) => s.goTo);
  const theme = useLab((s) => s.theme);
  const toggleTheme = useLab((s) => s.toggleTheme);
  const present = useLab((s) => s.view.present);
  const setView = useLab((s) => s.setView);
  const probeDevice = useLab((s) => s.probeDevice);
  const loadRecords = useLab((s) => s.loadRecords);
  const checkDemo = useLab((s) => s.checkDemo);
  useEffect(() => {
    probeDevice();
    loadRecords();
    checkDemo();
  }, [probeDevice, loadRecords, checkDemo]);
  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · tunelab`;
  }, [page]);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="?" aria-label="tunelab home">
          <BrandMark />
          <span>tunelab</span>
        </a>
        <Tabs
          label="Pages"
          idPrefix="page"
          tabs={PAGES}
          titles={PAGE_TITLES}
          selected={page}
          onSelect={goTo}
        />
        <div className="topbar-end">
          <DeviceChip />
          <button
            type="button"
            className="icon-button"
            aria-pressed={present}
            onClick={() => setView({ present: !present })}
            aria-label="Presentation mode"
            title={present ? "Leave presentation mode" : "Presentation mode: larger type and charts"}
          >
            <ProjectorMark />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={toggleTheme}
            aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
            title={theme === "dark" ? "Light theme" : "Dark theme"}
          >
            {theme === "dark" ? "☀" : "☾"}
          </button>
        </div>
      </header>
      <DemoBanner />
      <main id="page-panel" role="tabpanel" aria-labelledby={`page-tab-${page}`} className="page">
        <h1 className="sr-only">{PAGE_TITLES[page]}</h1>
        <Suspense fallback={<p className="loading">Loading {PAGE_TITLES[page]}…</p>}>
          {PAGE_COMPONENTS[page]()}
        </Suspense>
      </main>
    </div>
  );
}

/** A screen on a stand: presentation mode. */
function ProjectorMark() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor">
      <rect x="3" y="4" width="18" height="12" rx="1.5" strokeWidth="2" />
      <path d="M12 16v4M8 20h8" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

/** A 3x3 grid of tiles, one lit: a tuning space with its best config. */
function BrandMark() {
  const lit = 5;
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" className="brand-mark">
      {Array.from({ length: 9 }, (_, i) => (
        <rect
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid
          key={i}
          x={(i % 3) * 8 + 1}
          y={Math.floor(i / 3) * 8 + 1}
          width="6"
          height="6"
          rx="1.5"
          className={i === lit ? "lit" : undefined}
        />
      ))}
    </svg>
  );
}
