/* The one rule for links made from data: only http(s) URLs and paths of this site become links.
   safeHref(value) returns the value when it may be an href, else null (show the value as text). */
(function (root) {
  "use strict";
  var SAFE = /^(?:https?:\/\/\S+|\/(?!\/)\S*|#\S*)$/i;
  function safeHref(value) {
    var text = String(value == null ? "" : value).trim();
    return SAFE.test(text) ? text : null;
  }
  root.safeHref = safeHref;
})(window);
