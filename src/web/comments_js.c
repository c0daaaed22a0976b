/*
 * web/comments_js.c - /static/comments.js, kept in the binary like the
 * other scripts. It only spares reloads on the recap: a like is sent with
 * fetch and its count and button change in place (the form's own POST
 * when fetch fails); "Reply" moves the comment form under the comment it
 * answers instead of opening ?reply=ID. Without it every action is a plain
 * link or form. No inline script: the CSP forbids it.
 */
#include "web/web_int.h"

/* clang-format off */
const char web_comments_js[] =
    "/* gazouillis comments (see src/web/comments_js.c) */\n"
    "(function () {\n"
    "  \"use strict\";\n"
    "  function likeForm(form) {\n"
    "    form.addEventListener(\"submit\", function (ev) {\n"
    "      if (!window.fetch || !window.URLSearchParams) return;\n"
    "      ev.preventDefault();\n"
    "      var button = form.querySelector(\"button\");\n"
    "      var input = form.querySelector(\"input[name=like]\");\n"
    "      button.disabled = true;\n"
    "      fetch(form.action, {\n"
    "        method: \"POST\",\n"
    "        credentials: \"same-origin\",\n"
    "        headers: {\"Accept\": \"application/json\"},\n"
    "        body: new URLSearchParams(new FormData(form))\n"
    "      }).then(function (r) {\n"
    "        if (!r.ok) throw new Error(String(r.status));\n"
    "        return r.json();\n"
    "      }).then(function (j) {\n"
    "        form.querySelector(\".likes-count\").textContent = String(j.likes);\n"
    "        button.setAttribute(\"aria-pressed\", j.liked ? \"true\" : \"false\");\n"
    "        button.textContent = button.getAttribute(j.liked ? \"data-liked\" : \"data-like\");\n"
    "        input.value = j.liked ? \"0\" : \"1\";\n"
    "      }).catch(function () {\n"
    "        form.submit();\n"
    "      }).then(function () {\n"
    "        button.disabled = false;\n"
    "      });\n"
    "    });\n"
    "  }\n"
    "  Array.prototype.forEach.call(document.querySelectorAll(\"form.like\"), likeForm);\n"
    "  var form = document.getElementById(\"comment-form\");\n"
    "  if (!form || form.tagName !== \"FORM\") return;\n"
    "  var title = form.querySelector(\"h3\");\n"
    "  var leave = title ? title.textContent : \"\";\n"
    "  var home = form.parentNode, next = form.nextSibling;\n"
    "  var parent = form.querySelector(\"input[name=parent_id]\");\n"
    "  var cancel = document.createElement(\"a\");\n"
    "  cancel.href = \"#comments\";\n"
    "  cancel.className = \"cancel-reply\";\n"
    "  cancel.textContent = form.getAttribute(\"data-cancel\") || \"×\";\n"
    "  cancel.addEventListener(\"click\", function (ev) {\n"
    "    ev.preventDefault();\n"
    "    parent.value = \"\";\n"
    "    if (title) title.textContent = leave;\n"
    "    home.insertBefore(form, next);\n"
    "    if (cancel.parentNode) cancel.parentNode.removeChild(cancel);\n"
    "  });\n"
    "  Array.prototype.forEach.call(document.querySelectorAll(\"a.reply[data-reply]\"), function (a) {\n"
    "    a.addEventListener(\"click\", function (ev) {\n"
    "      ev.preventDefault();\n"
    "      var article = a.closest(\"article\");\n"
    "      parent.value = a.getAttribute(\"data-reply\");\n"
    "      if (title) title.textContent = a.getAttribute(\"data-reply-label\");\n"
    "      article.parentNode.insertBefore(form, article.nextSibling);\n"
    "      var actions = form.querySelector(\".actions\");\n"
    "      if (actions && !cancel.parentNode) actions.appendChild(cancel);\n"
    "      form.querySelector(\"textarea\").focus();\n"
    "    });\n"
    "  });\n"
    "})();\n";
/* clang-format on */

const size_t web_comments_js_len = sizeof(web_comments_js) - 1;
