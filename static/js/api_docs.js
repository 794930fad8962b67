/**
 * Starts Swagger UI on `/docs` (the CSP forbids inline scripts, so this is a file). The bundle
 * is served locally; the online spec validator is switched off so nothing leaves the machine.
 */
const root = document.getElementById("swagger-ui");
window.ui = window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
});
