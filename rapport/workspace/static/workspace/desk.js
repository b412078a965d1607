/* Rapport workspace behaviour that would otherwise sit in inline handlers, which the
   Content-Security-Policy forbids: elements say what they want with data attributes and one
   delegated listener per event acts on them, for content swapped in by htmx too.

   data-confirm="Question?"   on a form or its submit button: ask before submitting.
   data-reset-on-success      on an htmx form: empty it after a successful request. */
(function () {
  "use strict";

  // Capture phase, so a "no" stops the submit before htmx (listening on the form) sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && event.target === form && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });
})();
