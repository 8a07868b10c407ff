// Demo only: ?theme=light|dark|auto picks the widget's theme, and the page
// follows it so both themes can be seen on a fitting background. A file of
// its own, not an inline script, so the demo page's policy can forbid
// inline scripts.
const theme = new URLSearchParams(location.search).get('theme') || 'light';
document.documentElement.dataset.theme = theme;
document.getElementById('natter').dataset.theme = theme;

// The footer's snippet names the address this page was loaded from.
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('snippet').textContent =
    '<div id="natter"></div>\n<script src="' + location.origin + '/embed.js" async></' + 'script>';
});
