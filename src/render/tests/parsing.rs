//! Hostile inputs: inputs that count on a parser reading them differently: comments,
//! code, raw-text elements, and the WordPress rebuild's own inputs (alt
//! text, attributes, bare addresses, nested links, `pre`).

/// Each must render to nothing executable.
pub(super) const HOSTILE: &[&str] = &[
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<img src=\"https://ok.example/i.png\" alt=\"<script>alert(1)</script>\">",
    "<img src=\"https://ok.example/\" onerror=alert(1)//\" alt='\"><script>alert(1)</script>'>",
    "www.ok.example/\"onmouseover=alert(1)// https://ok.example/?a=&quot;><script>alert(1)</script>",
    "<a href=\"https://ok.example\">https://ok.example <a href=\"javascript:alert(1)\">in</a></a>",
    "<pre><img src=x onerror=alert(1)>\n<table><td onclick=alert(1)>x</td></table></pre>",
];
