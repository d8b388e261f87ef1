import "../core/dataset/no-eval";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createLabStore, setLabStore } from "./store";
import { keepSweepHistory } from "./store/history";
import { initialTheme, syncWithBrowser } from "./store/sync";
import { viewFromSearch } from "./url";
import "./styles.css";

const store = createLabStore({ view: viewFromSearch(window.location.search), theme: initialTheme() });
setLabStore(store);
syncWithBrowser(store);
keepSweepHistory(store);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
