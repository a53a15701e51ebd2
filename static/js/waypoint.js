// Waypoint: small progressive enhancements. Every page works without this file.
// Move focus to a new error summary so screen-reader users hear what went wrong (once per summary).
function focusNewErrorSummary() {
  var summary = document.getElementById("error-summary");
  if (summary && !summary.hasAttribute("data-focused")) {
    summary.setAttribute("data-focused", "");
    summary.focus();
  }
}
document.addEventListener("DOMContentLoaded", focusNewErrorSummary);
// After an htmx swap has settled: an outerHTML swap detaches the old target, and htmx focuses any
// [autofocus] field while settling, so looking earlier (afterSwap, in the target) never found the summary.
document.addEventListener("htmx:afterSettle", focusNewErrorSummary);
