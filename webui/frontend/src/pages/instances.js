// The instance monitor list: filters in the query string, paging, links to each instance.

import { api, fill } from "../lib/api.js";
import { $, el, formatDate, say, shippedName } from "../lib/dom.js";

const FILTERS = ["key", "version", "status", "business_key", "started_after", "started_before"];

function currentQuery(form, page) {
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form[name].value.trim();
    if (value) query.set(name, value);
  }
  query.set("page", String(page));
  query.set("per_page", String(form.per_page.value || 20));
  return query;
}

export async function instancesPage({ config, t }) {
  const form = $("#instance-filters");
  const body = $("#instances-body");
  const pager = $("#instances-pager");
  const status = $("#instances-status");
  const initial = new URLSearchParams(window.location.search);
  for (const name of [...FILTERS, "per_page"]) if (initial.get(name)) form[name].value = initial.get(name);
  let page = Number(initial.get("page") || 1);

  const { data: defs } = await api("GET", config.api.list);
  form.key.append(...(defs.items || []).map((d) => el("option", { value: d.key, text: shippedName(d.name) || d.key })));
  form.key.value = initial.get("key") || "";

  const load = async () => {
    const query = currentQuery(form, page);
    window.history.replaceState(null, "", `?${query}`);
    try {
      const { data } = await api("GET", `${config.api.instances}?${query}`);
      const items = data.items || [];
      body.replaceChildren(
        ...items.map((i) =>
          el("tr", { dataset: { instanceId: i.id } },
            el("td", {}, el("a", { href: fill(config.pages.instance, { id: i.id }), text: `#${i.id}` })),
            el("td", { text: `${i.key} v${i.version}` }),
            el("td", { text: i.business_key || "" }),
            el("td", {}, el("span", { class: `badge cf-status-${i.status}`, text: t(`status_${i.status}`) })),
            el("td", { text: formatDate(i.started_at) }),
            el("td", { text: formatDate(i.updated_at) }),
            el("td", { class: "cf-error-cell", text: i.error || "" }),
          ),
        ),
      );
      if (!items.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "muted", text: t("noInstances") })));
      const perPage = Number(form.per_page.value || 20);
      const pages = Math.max(1, Math.ceil((data.total || 0) / perPage));
      pager.replaceChildren(
        el("button", { type: "button", class: "button button-quiet", text: t("previous"), disabled: page <= 1, onclick: () => { page -= 1; load(); } }),
        el("span", { class: "muted", text: `${t("page")} ${page} / ${pages} · ${data.total || 0} ${t("total")}` }),
        el("button", { type: "button", class: "button button-quiet", text: t("next"), disabled: page >= pages, onclick: () => { page += 1; load(); } }),
      );
      say(status, "");
      body.closest("table").dataset.state = "ready";
    } catch (error) {
      say(status, error.message, "error");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    page = 1;
    load();
  });
  await load();
}
