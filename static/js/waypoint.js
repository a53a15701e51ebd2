// Waypoint: small progressive enhancements. Every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.detail.target.querySelector("#error-summary");
  if (summary) { summary.focus(); }
});
