/**
 * The teacher token a lab on the LAN asks for before it lets anyone steer the
 * feed. It arrives once in the link the lab prints (`/?token=…`, as Jupyter
 * does), is kept for this tab in sessionStorage, and never goes back into the
 * URL: a link copied from the address bar must not hand control to students.
 */
const KEY = 'transport-lab-teacher-token';

/** The token from this page's URL (remembered for the tab), or the one remembered earlier; null when none. */
export function teacherToken(search: string): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  try {
    if (fromUrl) sessionStorage.setItem(KEY, fromUrl);
    return fromUrl || sessionStorage.getItem(KEY);
  } catch {
    return fromUrl || null; // storage disabled: the token works until the page is reloaded
  }
}
