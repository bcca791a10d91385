// htmx drops a 4xx answer by default. An element marked `data-swap-errors` wants its
// refused answer shown all the same: the server sends a fragment that says what is wrong
// (a template preview's 422, an upload's 413/415), swapped in like a good one.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (status >= 400 && status < 500 && source && source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
