/*
 * web/script.c - /static/composer.js, the one script of the site, kept in
 * the binary like the stylesheet. It makes the composer's counter live:
 * on input (debounced) it asks the server for its count of the draft
 * (POST /api/v1/text/count with the event's slug, counted with the
 * hashtag the composer appends when missing), so the page never
 * counts a second, different way, and shows what is left, negative and
 * red past the limit. No framework, no inline script (the CSP forbids
 * it); without it the form still posts and the server still counts.
 * A draft event is unknown to the public count: then it asks without the
 * event and takes the limit from the form.
 */
#include "web/web_int.h"

/* clang-format off */
const char web_composer_js[] =
    "/* gazouillis composer: the live character counter (see src/web/script.c) */\n"
    "(function () {\n"
    "  \"use strict\";\n"
    "  var form = document.querySelector(\"form.composer\");\n"
    "  if (!form || !window.fetch) return;\n"
    "  var text = form.querySelector(\"textarea[name=text]\");\n"
    "  var counter = form.querySelector(\".counter\");\n"
    "  var left = form.querySelector(\".remaining\");\n"
    "  var slug = form.getAttribute(\"data-event\");\n"
    "  var limit = parseInt(form.getAttribute(\"data-limit\"), 10);\n"
    "  var timer = null, asked = 0, byEvent = true;\n"
    "  function show(remaining) {\n"
    "    left.textContent = String(remaining);\n"
    "    counter.classList.toggle(\"over\", remaining < 0);\n"
    "  }\n"
    "  function ask() {\n"
    "    var mine = ++asked, body = {text: text.value};\n"
    "    if (byEvent) { body.event = slug; body.add_hashtag = true; }\n"
    "    fetch(\"/api/v1/text/count\", {\n"
    "      method: \"POST\", credentials: \"omit\",\n"
    "      headers: {\"Content-Type\": \"application/json\"},\n"
    "      body: JSON.stringify(body)\n"
    "    }).then(function (r) {\n"
    "      if (r.status === 404 && body.event !== undefined) {\n"
    "        byEvent = false;\n"
    "        if (mine === asked) ask();\n"
    "        return null;\n"
    "      }\n"
    "      return r.ok ? r.json() : null;\n"
    "    }).then(function (j) {\n"
    "      if (j === null || mine !== asked) return;\n"
    "      show(byEvent ? j.remaining : limit - j.weighted_length);\n"
    "    }).catch(function () {});\n"
    "  }\n"
    "  text.addEventListener(\"input\", function () {\n"
    "    clearTimeout(timer);\n"
    "    timer = setTimeout(ask, 150);\n"
    "  });\n"
    "  if (text.value !== \"\") ask();\n"
    "})();\n";
/* clang-format on */

const size_t web_composer_js_len = sizeof(web_composer_js) - 1;
