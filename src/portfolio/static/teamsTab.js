// The Teams personal tab: asks Teams for the person's Entra ID token (single
// sign-on), exchanges it for a portfolio session, then shows the portfolio.
(async () => {
  const status = document.getElementById("status");
  try {
    await microsoftTeams.app.initialize();
    const token = await microsoftTeams.authentication.getAuthToken();
    const res = await fetch("/auth/teams", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }), credentials: "same-origin" });
    if (!res.ok) throw new Error(`sign-in answered ${res.status}`);
    const { next } = await res.json();
    window.location.replace(next);
  } catch (err) {
    status.textContent = status.dataset.failed;
    console.error(err);
  }
})();
