// Save = validate, then deploy with a note. Problems come back in one shape from both.

import { api, ApiError } from "./api.js";

/** Validate then deploy `files`; return {deployed} or {problems} (errors stop the deploy). */
export async function validateAndDeploy(config, files, note) {
  const { data: report } = await api("POST", config.api.validate, { files });
  const problems = report.problems || [];
  if (!report.valid || problems.some((p) => (p.severity || "error") === "error")) {
    return { problems };
  }
  try {
    const { data } = await api("POST", config.api.deploy, { files, note });
    return { deployed: data.deployed || [], problems };
  } catch (error) {
    // A 422 invalid_definition lists the problems in `details` (the validate shape).
    if (error instanceof ApiError && error.code === "invalid_definition") {
      const details = error.details;
      return { problems: Array.isArray(details) ? details : details.problems || [] };
    }
    throw error;
  }
}

export function deployedText(deployed, t) {
  return deployed.map((d) => `${t("deployed")} ${d.key} v${d.version}`).join(", ");
}
