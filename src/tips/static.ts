/**
 * The page's only style sheet and script, served from the tips process itself ('self'): no font,
 * no image, nothing from elsewhere. The style follows the State design system's look (blue France,
 * Marianne's fallbacks, 16 px inputs, visible focus) in plain CSS, a few kilobytes.
 */

export const STYLE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:Marianne,Arial,"Helvetica Neue",system-ui,sans-serif;font-size:100%;line-height:1.5;color:#161616;background:#fff;-webkit-text-size-adjust:100%}
body{margin:0}
a{color:#000091;text-underline-offset:2px}
:focus-visible{outline:2px solid #0a76f6;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{border-bottom:1px solid #ddd;box-shadow:0 2px 4px rgba(0,0,18,.08)}
.header{max-width:48rem;margin:0 auto;padding:.75rem 1rem;display:flex;gap:1rem;align-items:center}
.marque{font-weight:700;text-transform:uppercase;font-size:.8rem;line-height:1.1;letter-spacing:.02em;border-left:4px solid #000091;padding-left:.5rem}
.service{font-weight:700;font-size:1.05rem;margin:0}
.service small{display:block;font-weight:400;font-size:.85rem;color:#3a3a3a}
main{max-width:48rem;margin:0 auto;padding:1rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:1rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
.alerte{border:1px solid #ce0500;border-left:.5rem solid #ce0500;padding:.75rem 1rem;margin:1rem 0;background:#fff}
.info{border:1px solid #0063cb;border-left:.5rem solid #0063cb;padding:.75rem 1rem;margin:1rem 0}
.succes{border:1px solid #18753c;border-left:.5rem solid #18753c;padding:.75rem 1rem;margin:1rem 0}
.alerte p,.info p,.succes p{margin:.25rem 0}
.champ{margin:1.25rem 0}
label,legend{display:block;font-weight:500;margin-bottom:.25rem}
.aide{display:block;font-size:.875rem;color:#666;font-weight:400}
input[type=text],input[type=number],input:not([type]),textarea{display:block;width:100%;font:inherit;font-size:1rem;padding:.5rem 1rem;border:0;border-radius:.25rem .25rem 0 0;background:#eee;box-shadow:inset 0 -2px 0 0 #3a3a3a;color:#161616;min-height:2.5rem}
textarea{min-height:8rem;resize:vertical}
input[type=file]{font:inherit;max-width:100%}
fieldset{border:0;padding:0;margin:1.25rem 0}
.choix{display:flex;gap:.5rem;align-items:flex-start;margin:.5rem 0;min-height:2.5rem}
.choix input{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none;accent-color:#000091}
.choix label{font-weight:400;margin:0}
.erreur input,.erreur textarea{box-shadow:inset 0 -2px 0 0 #ce0500}
.erreur{border-left:2px solid #ce0500;padding-left:.75rem}
.message-erreur{color:#ce0500;font-size:.875rem;margin:.25rem 0 0}
button{font:inherit;font-weight:500;font-size:1rem;background:#000091;color:#fff;border:0;padding:.5rem 1.5rem;min-height:2.75rem;cursor:pointer;border-radius:0}
button:hover{background:#1212ff}
button[disabled]{background:#e5e5e5;color:#666}
.pow{font-size:.875rem;color:#3a3a3a;margin:.5rem 0}
.recu{font-size:1.6rem;font-weight:700;letter-spacing:.08em;font-variant-numeric:tabular-nums;background:#f6f6f6;padding:.75rem 1rem;display:inline-block;margin:.5rem 0}
.question{background:#f6f6f6;padding:.75rem 1rem;margin:.5rem 0;white-space:pre-wrap}
footer{border-top:2px solid #000091;font-size:.875rem;color:#3a3a3a}
footer div{max-width:48rem;margin:0 auto;padding:1rem}
@media (min-width:48em){h1{font-size:2rem}}
`;

/**
 * The proof of work (ALTCHA's SHA-256 scheme, solved here and checked by altcha-lib on the server):
 * find n with SHA-256(salt + n) = challenge. Without this script (or Web Crypto) the form is sent
 * without proof, and the server applies its stricter limit.
 */
export const POW_JS = `(function () {
  "use strict";
  var errors = document.getElementById("erreurs");
  if (errors) errors.focus();
  var form = document.querySelector("form[data-pow]");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var field = form.querySelector("input[name=altcha]");
  var status = document.getElementById("pow-statut");
  var button = form.querySelector("button[type=submit]");
  var challenge;
  try { challenge = JSON.parse(form.getAttribute("data-pow")); } catch (e) { return; }
  var encoder = new TextEncoder();
  var solved = null, submitting = false;
  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }
  function say(text) { if (status) status.textContent = text; }
  function solve() {
    var start = 0, batch = 400, max = challenge.maxnumber;
    function next() {
      var tries = [];
      for (var n = start; n < Math.min(start + batch, max + 1); n++) tries.push(n);
      if (tries.length === 0) { say("La vérification anti-robot n'a pas abouti : l'envoi reste possible, avec une limite plus stricte."); return; }
      Promise.all(tries.map(function (n) {
        return crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)).then(function (h) { return hex(h) === challenge.challenge ? n : -1; });
      })).then(function (results) {
        var found = results.filter(function (r) { return r >= 0; })[0];
        if (found !== undefined) {
          solved = btoa(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: found, salt: challenge.salt, signature: challenge.signature }));
          field.value = solved;
          say("Vérification anti-robot faite : vous pouvez envoyer.");
          if (submitting) form.submit();
          return;
        }
        start += batch;
        next();
      });
    }
    say("Vérification anti-robot en cours (quelques secondes, sans action de votre part)…");
    next();
  }
  form.addEventListener("submit", function (event) {
    if (solved) return;
    event.preventDefault();
    submitting = true;
    if (button) button.setAttribute("aria-disabled", "true");
    say("Vérification anti-robot en cours : l'envoi partira tout seul dans un instant…");
  });
  solve();
})();
`;
