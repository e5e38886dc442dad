// Starts Swagger UI on /docs (stridelab/web/docs.py); a file, not an inline script (CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: box.dataset.openapi, dom_id: "#swagger-ui",
                                deepLinking: true, withCredentials: true });
});
