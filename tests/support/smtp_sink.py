"""A real SMTP server for natter's tests: aiosmtpd on 127.0.0.1.

    python3 smtp_sink.py PORT [HOLD_AFTER]

Prints "READY <port>" once listening (PORT 0 picks a free port), then one
JSON line for each message it accepted, decoded: to, from, subject,
message_id, list_unsubscribe, list_unsubscribe_post, text, html.

With the environment variable SMTP_SINK_BRIEF=1 (for benchmarks) each line
holds only to and message_id, found without parsing the message.

With HOLD_AFTER, the server accepts that many messages and then never
answers the next one's DATA: it prints {"held": ...} and waits, so a test
can stop natter while a delivery is in flight. A message whose DATA was
never answered was not accepted, as SMTP says.
"""

import asyncio
import email
import email.policy
import json
import os
import re
import sys

BRIEF = os.environ.get("SMTP_SINK_BRIEF") == "1"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, hold_after):
        self.accepted = 0
        self.hold_after = hold_after

    async def handle_DATA(self, server, session, envelope):
        if BRIEF:
            found = MESSAGE_ID.search(envelope.content)
            message_id = found.group(1).decode() if found else None
            print(json.dumps({"to": envelope.rcpt_tos, "message_id": message_id}), flush=True)
            return "250 OK"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.hold_after is not None and self.accepted >= self.hold_after:
            print(json.dumps({"held": message["Message-ID"]}), flush=True)
            await asyncio.sleep(3600)
        self.accepted += 1
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        print(
            json.dumps(
                {
                    "to": envelope.rcpt_tos,
                    "from": envelope.mail_from,
                    "subject": str(message["Subject"]),
                    "message_id": message["Message-ID"],
                    "list_unsubscribe": message["List-Unsubscribe"],
                    "list_unsubscribe_post": message["List-Unsubscribe-Post"],
                    "text": text.get_content() if text else None,
                    "html": html.get_content() if html else None,
                }
            ),
            flush=True,
        )
        return "250 OK"


async def main():
    port = int(sys.argv[1])
    hold_after = int(sys.argv[2]) if len(sys.argv) > 2 else None
    sink = Sink(hold_after)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="localhost"), "127.0.0.1", port, reuse_address=True
    )
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
