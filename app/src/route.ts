/** Hash routes (`#/proposals/3`): a static folder served by any web server needs no rewrites. */
import { useEffect, useState } from "react";

/** The path after `#`, split: `#/nodes/5Grw…` is `["nodes", "5Grw…"]`. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** A link to a route, keeping `?rpc=`. */
export function href(...parts: (string | number)[]): string {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join("/")}`;
}
