import SpiffPropertiesProvider from "./provider.js";

export default {
  __init__: ["spiffPropertiesProvider"],
  spiffPropertiesProvider: ["type", SpiffPropertiesProvider],
};
