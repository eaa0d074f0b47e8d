extension Console {
    /// The console as a page (`GET /` from a browser): the mailbox with each email rendered, the fake eBay's
    /// auctions and the bids that reached them, recent invocations per function, and the dead-letter queues
    /// with a redrive button. No framework: one document whose script reads the JSON routes every 2 s.
    ///
    /// The page itself holds nothing secret; the token comes in the address's fragment (`#token=…`, which
    /// the browser never sends), and the script sends it as `X-Gavel-Console` like any other caller. Emails
    /// render in sandboxed frames (no script, no same origin), so a template's HTML cannot reach the console.
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>gavel-local console</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
          h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; margin-top: 1.8rem; border-bottom: 1px solid #ddd; }
          table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .2rem .5rem; }
          tr:nth-child(even) { background: #f6f6f6; } .error { color: #b00020; } .muted { color: #777; }
          iframe { width: 100%; height: 14rem; border: 1px solid #ddd; background: white; }
          details { margin: .4rem 0; } code { font-size: 12px; }
        </style>
        </head>
        <body>
        <h1>gavel-local console</h1>
        <p id="status" class="muted">loading…</p>
        <h2>Mailbox</h2><div id="mail"></div>
        <h2>Fake eBay</h2><div id="ebay"></div>
        <h2>Invocations</h2><div id="invocations"></div>
        <h2>Dead-letter queues</h2><div id="dead-letters"></div>
        <script>
        const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
        const text = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
        async function call(method, path) {
          const response = await fetch(path, { method, headers: { "X-Gavel-Console": token } });
          if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
          return response.json();
        }
        function table(rows, columns) {
          if (rows.length === 0) return '<p class="muted">none</p>';
          const head = columns.map(([title]) => `<th>${text(title)}</th>`).join("");
          const body = rows.map((row) => "<tr>" + columns.map(([, cell]) => `<td>${cell(row)}</td>`).join("") + "</tr>");
          return `<table><tr>${head}</tr>${body.join("")}</table>`;
        }
        function renderMail(emails) {
          const shown = document.getElementById("mail");
          if (emails.length === 0) { shown.innerHTML = '<p class="muted">no email yet</p>'; return; }
          if (shown.dataset.count === String(emails.length)) return;  // frames reload only when mail arrives
          shown.dataset.count = String(emails.length);
          shown.innerHTML = "";
          for (const email of [...emails].reverse()) {
            const details = document.createElement("details");
            details.className = "email";
            details.open = shown.childElementCount === 0;
            details.innerHTML = `<summary><b>${text(email.Subject)}</b> to ${text(email.To)} from ${text(email.From)}</summary>`;
            const frame = document.createElement("iframe");
            frame.setAttribute("sandbox", "");
            frame.srcdoc = email.HtmlBody || `<pre>${text(email.TextBody)}</pre>`;
            details.appendChild(frame);
            shown.appendChild(details);
          }
        }
        function renderEbay(items, bids) {
          document.getElementById("ebay").innerHTML = table(items, [
            ["item", (i) => `<code>${text(i.itemId)}</code>`], ["title", (i) => text(i.title)],
            ["price", (i) => `${text(i.price)} ${text(i.currency)}`], ["ends", (i) => text(new Date(i.endMs).toISOString())],
            ["bids received", (i) => text(bids.filter((b) => b.itemId === i.itemId).length)],
          ]);
        }
        function renderInvocations(entries) {
          document.getElementById("invocations").innerHTML = table(entries.slice(0, 50), [
            ["function", (e) => text(e.function)], ["request id", (e) => `<code>${text(e.requestId)}</code>`],
            ["duration", (e) => `${text(e.durationMs.toFixed(1))} ms`],
            ["init", (e) => e.initDurationMs == null ? "" : `${text(e.initDurationMs.toFixed(1))} ms`],
            ["error", (e) => `<span class="error">${text(e.error)}</span>`],
          ]);
        }
        function renderDeadLetters(queues) {
          const shown = document.getElementById("dead-letters");
          shown.innerHTML = table(queues, [
            ["queue", (q) => text(q.name)], ["messages", (q) => `<span class="count">${q.messages.length}</span>`],
            ["reasons", (q) => text([...new Set(q.messages.map((m) => m.reason).filter(Boolean))].join("; "))],
            ["", (q) => q.source && q.messages.length > 0
              ? `<button class="redrive" data-queue="${text(q.name)}">redrive to ${text(q.source)}</button>` : ""],
          ]);
          for (const button of shown.querySelectorAll("button.redrive")) {
            button.onclick = async () => {
              button.disabled = true;
              const moved = await call("POST", `/dead-letters/${encodeURIComponent(button.dataset.queue)}/redrive`);
              document.getElementById("status").textContent = `moved ${moved.moved} message(s) back`;
              refresh();
            };
          }
        }
        async function refresh() {
          try {
            const [mail, items, bids, invocations, deadLetters] = await Promise.all([
              call("GET", "/mail"), call("GET", "/ebay/items"), call("GET", "/ebay/bids"),
              call("GET", "/invocations"), call("GET", "/dead-letters"),
            ]);
            renderMail(mail); renderEbay(items, bids); renderInvocations(invocations); renderDeadLetters(deadLetters);
            if (!document.getElementById("status").textContent.startsWith("moved")) {
              document.getElementById("status").textContent = `updated ${new Date().toLocaleTimeString()}`;
            }
            document.body.dataset.loaded = "yes";
          } catch (error) {
            document.getElementById("status").textContent = token ? String(error)
              : "open the address gavel-local dev printed (it ends in #token=…)";
          }
        }
        refresh();
        setInterval(refresh, 2000);
        </script>
        </body>
        </html>

        """
}
