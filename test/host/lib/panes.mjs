// Sidebar pane helpers for UI scenarios: show one view pane of a container with room for its rows.
/** The pane whose header reads `title`. */
export function pane(page, title) {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

/**
 * Expands the pane titled `keep` and collapses the container's other panes (their headers stay). Returns a
 * function that puts every pane back as it was (the next scenario expects the views where they were).
 */
export async function onlyPane(page, keep, { timeout = 30_000 } = {}) {
  const headers = page.locator('.part.sidebar .pane-header');
  await headers.first().waitFor({ timeout });
  const set = async (i, want) => {
    const h = headers.nth(i);
    if (((await h.getAttribute('aria-expanded')) === 'true') === want) return;
    // On the title: the header's middle holds the view's actions (a click there could send a test attack).
    await h.locator('.title').first().click();
    await page.waitForFunction(([el, v]) => el.getAttribute('aria-expanded') === String(v), [await h.elementHandle(), want], { timeout });
  };
  const before = [];
  const n = await headers.count();
  for (let i = 0; i < n; i++) {
    const h = headers.nth(i);
    const title = ((await h.locator('.title').first().textContent()) ?? '').trim();
    before.push((await h.getAttribute('aria-expanded')) === 'true');
    await set(i, title.toLowerCase() === keep.toLowerCase());
  }
  return async () => {
    for (let i = 0; i < before.length; i++) await set(i, before[i]);
  };
}

/** Runs a pane's title action (e.g. "Collapse All"), shown when the pane header is hovered. */
export async function paneAction(page, title, action, { timeout = 30_000 } = {}) {
  const header = pane(page, title).locator('.pane-header');
  await header.hover();
  const a = header.locator(`.action-label[aria-label^="${action}"]`).first();
  await a.waitFor({ state: 'visible', timeout });
  await a.click();
}

/**
 * Drags the sidebar's edge so it is `width` px wide (a narrow sidebar cuts the rows' descriptions off in screenshots).
 * Returns a function that drags it back.
 */
export async function widenSidebar(page, width) {
  const sidebar = page.locator('.part.sidebar');
  const drag = async (to) => {
    const box = await sidebar.boundingBox();
    if (!box) return;
    const edge = box.x + box.width;
    // The workbench grid's sash on the sidebar's right edge.
    const sashes = page.locator('.monaco-sash.vertical');
    let sash = null;
    for (let i = 0; i < (await sashes.count()); i++) {
      const b = await sashes.nth(i).boundingBox();
      if (b && Math.abs(b.x + b.width / 2 - edge) <= 4 && b.height > box.height / 2) sash = b;
    }
    if (!sash) return;
    const x = sash.x + sash.width / 2;
    const y = sash.y + sash.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + (to - box.width) / 2, y, { steps: 4 });
    await page.mouse.move(x + (to - box.width), y, { steps: 4 });
    await page.mouse.up();
  };
  const before = (await sidebar.boundingBox())?.width ?? 0;
  await drag(width);
  return () => drag(before);
}
