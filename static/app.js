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
      400: "La requête n'a pas pu être traitée. Rechargez la page puis réessayez.",
      403: "Votre rôle ne permet pas cette action.",
      404: "Cet élément n'existe pas ou n'est plus accessible.",
      413: "Le fichier dépasse la taille maximale de 10 Mo.",
      500: "Une erreur inattendue s'est produite. Rien n'a été enregistré ; réessayez."
    };
    showError(messages[status] || "La requête a échoué (" + status + "). Réessayez.");
  });

  document.addEventListener("htmx:sendError", function () {
    showError("Le serveur ne répond pas. Vérifiez la connexion puis réessayez.");
  });

  // Confirmation for destructive buttons, without inline handlers: data-confirm="…".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var message = elt.getAttribute && elt.getAttribute("data-confirm");
    if (!message) { return; }
    event.preventDefault();
    if (window.confirm(message)) { event.detail.issueRequest(true); }
  });
})();
