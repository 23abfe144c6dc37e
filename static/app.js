// capintra: the little JavaScript the pages need. No inline script anywhere (CSP).
(function () {
  "use strict";

  function showError(message) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.textContent = message;
    box.hidden = false;
  }

  function hideError() {
    var box = document.getElementById("htmx-error");
    if (box) { box.hidden = true; }
  }

  document.addEventListener("htmx:beforeRequest", hideError);

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var messages = {
      400: "La requête n’a pas pu être traitée. Rechargez la page puis réessayez.",
      403: "Votre rôle ne permet pas cette action.",
      404: "Cet élément n’existe pas ou n’est plus accessible.",
      413: "Le fichier dépasse la taille maximale de 10 Mo.",
      500: "Une erreur inattendue s’est produite. Rien n’a été enregistré ; réessayez."
    };
    showError(messages[status] || "La requête a échoué (" + status + "). Réessayez.");
  });

  document.addEventListener("htmx:sendError", function () {
    showError("Le serveur ne répond pas. Vérifiez la connexion puis réessayez.");
  });

  // One confirmation per destructive form, never two. The form says it once, in
  // hx-confirm="…": htmx asks when it sends the form (and sends confirmed=1, hx-vals);
  // when htmx does not (not loaded, or a form without hx-post), the browser posts the
  // form and this asks instead, adding confirmed=1 so that the server does not ask again
  // with its confirmation page (the one a browser without JavaScript gets).
  function htmxSends(form) {
    return Boolean(window.htmx) && form.hasAttribute("hx-post");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("hx-confirm");
    if (!message || htmxSends(form)) { return; }
    if (!window.confirm(message)) { event.preventDefault(); return; }
    if (!form.querySelector('input[name="confirmed"]')) {
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
    }
  });

  // After an inline save (HX-Trigger: capintra:saved, sent before the swap) the part
  // that changed is swapped in; if the focus was on something that is gone (the button
  // just used), it moves to that part's heading, so keyboard and screen-reader users
  // carry on from there instead of from the top of the page.
  var savedBy = null;
  document.addEventListener("capintra:saved", function (event) {
    savedBy = event.target;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    if (!savedBy || !config || config.elt !== savedBy) { return; }
    savedBy = null;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) { return; }
    var heading = event.detail.target && event.detail.target.querySelector("h1, h2, h3");
    if (!heading) { return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  });

  // « Afficher les suivants » (templates/_macros/paging.html): the next rows replace the
  // link, which held the focus; the focus goes to the first of them, where reading and
  // tabbing carry on.
  var moreList = null;
  var moreBefore = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList.contains("more-items")) { return; }
    moreList = target.parentElement;
    moreBefore = target.previousElementSibling;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!moreList) { return; }
    var first = moreBefore ? moreBefore.nextElementSibling : moreList.firstElementChild;
    moreList = null;
    moreBefore = null;
    if (!first) { return; }
    first.setAttribute("tabindex", "-1");
    first.focus();
  });
})();
