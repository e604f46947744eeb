namespace Synclets.AspNetCore;

/// <summary>
/// The live page: one HTML file with its script, no assets to serve or fetch from elsewhere. It
/// asks the server for its rooms every second (message rates are the change between two asks) and,
/// for the room chosen, its tree every two seconds; a tree is shown as nested lists, each atom with
/// its value and the time of its timestamp.
/// </summary>
internal static class DashboardPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Synclets server</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
          h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
          table { border-collapse: collapse; } td, th { padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; }
          tr.room { cursor: pointer; } tr.room:hover, tr.chosen { background: #eef4ff; }
          .failure { color: #b00; } .deleted { color: #999; text-decoration: line-through; }
          .time { color: #777; font-size: .9em; } ul.tree { list-style: none; padding-left: 1.2em; } code { background: #f4f4f4; padding: 0 .2em; }
        </style>
        </head>
        <body>
        <h1>Synclets server</h1>
        <p id="summary">Loading...</p>
        <table>
          <thead><tr><th>room</th><th>clients</th><th>messages in</th><th>in / s</th><th>messages out</th><th>queued</th><th>store</th></tr></thead>
          <tbody id="rooms"></tbody>
        </table>
        <h2 id="tree-title">Choose a room to see its tree.</h2>
        <div id="tree"></div>
        <script>
        const base = location.pathname.replace(/\/$/, '');
        let chosen = null, last = {}, lastAt = 0;
        const text = (tag, content, cls) => { const e = document.createElement(tag); e.textContent = content; if (cls) e.className = cls; return e; };
        async function rooms() {
          const now = performance.now();
          const body = await (await fetch(base + '/api/rooms')).json();
          const rows = document.getElementById('rooms');
          rows.replaceChildren();
          let clients = 0;
          for (const room of body.rooms) {
            clients += room.connections.length;
            const store = room.store;
            const received = store ? store.messagesReceived : 0;
            const rate = lastAt && last[room.name] !== undefined ? ((received - last[room.name]) * 1000 / (now - lastAt)).toFixed(1) : '';
            last[room.name] = received;
            const row = document.createElement('tr');
            row.className = 'room' + (room.name === chosen ? ' chosen' : '');
            row.dataset.room = room.name;
            row.append(text('td', room.name),
              text('td', room.connections.length + (room.connections.length ? ' (' + room.connections.map(c => (c.user || 'anonymous') + (c.readOnly ? ', read-only' : '')).join('; ') + ')' : '')),
              text('td', store ? received : ''), text('td', rate), text('td', store ? store.messagesSent : ''), text('td', store ? store.queuedMessages : ''),
              store ? (store.failure ? text('td', 'failing: ' + store.failure, 'failure') : text('td', 'ok')) : text('td', 'relay only'));
            row.onclick = () => { chosen = room.name; tree(); };
            rows.append(row);
          }
          lastAt = now;
          document.getElementById('summary').textContent = body.rooms.length + ' rooms open, ' + clients + ' clients connected.';
        }
        function render(node) {
          const list = document.createElement('ul');
          list.className = 'tree';
          for (const [id, child] of Object.entries(node)) {
            const item = document.createElement('li');
            if (Array.isArray(child)) {
              const [value, timestamp, time, deleted] = child;
              item.append(text('code', id), ' ', deleted ? text('span', 'deleted', 'deleted') : text('span', JSON.stringify(value), 'value'), ' ', text('span', time || timestamp, 'time'));
            } else {
              item.append(text('code', id), render(child));
            }
            list.append(item);
          }
          return list;
        }
        async function tree() {
          if (!chosen) return;
          const response = await fetch(base + '/api/rooms/' + encodeURIComponent(chosen) + '/tree');
          const body = await response.json();
          document.getElementById('tree-title').textContent = 'Room ' + chosen + (response.ok ? ' (depth ' + body.depth + ')' : '');
          document.getElementById('tree').replaceChildren(response.ok ? render(body.tree) : text('p', body.error, 'failure'));
        }
        async function tick() { try { await rooms(); } catch (e) { document.getElementById('summary').textContent = 'The server does not answer: ' + e; } }
        tick(); setInterval(tick, 1000); setInterval(() => tree().catch(() => {}), 2000);
        </script>
        </body>
        </html>
        """;
}
