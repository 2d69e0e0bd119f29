/**
 * On a phone, list tables are shown as cards (styles.css): each cell names its column through a
 * `data-label` attribute, copied here from the table's header, for every table the page shows.
 */

/** Gives every body cell of every `table.list` under `root` its column's header as `data-label`. */
export function labelTableCells(root: ParentNode): void {
  for (const table of Array.from(root.querySelectorAll("table.list"))) {
    const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent?.trim() ?? "");
    for (const row of Array.from(table.querySelectorAll("tbody tr"))) {
      Array.from(row.children).forEach((cell, i) => {
        const label = heads[i];
        if (label && cell.getAttribute("data-label") !== label) cell.setAttribute("data-label", label);
      });
    }
  }
}

/** Keeps `root`'s tables labelled as the page changes; returns the function that stops it. */
export function keepTablesLabelled(root: HTMLElement): () => void {
  labelTableCells(root);
  // Only added and removed nodes are watched: setting an attribute does not wake it again.
  const observer = new MutationObserver(() => labelTableCells(root));
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}
