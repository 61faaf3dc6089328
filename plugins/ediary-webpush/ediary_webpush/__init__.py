"""Web Push for ediary: diary notifications delivered to parents' browsers and phones
through their push services, encrypted for the browser (RFC 8291) and signed by the server
(VAPID, RFC 8292)."""
