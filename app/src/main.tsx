import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ChainProvider } from "./chain/ChainContext";
import "./styles.css";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ChainProvider>
        <App />
      </ChainProvider>
    </StrictMode>,
  );
}
