"""The three messaging channels (capnum_rasa.channels) in a real Sanic server, in front of a
stand-in bot that stores each message it is handed in a SQLite table `turns` (sender, text)
and answers "D'accord.". For the webhook tests that need no trained model.

    python -m tests.security.channel_server PORT DB_PATH      # credentials from the environment
"""
from __future__ import annotations

import sqlite3
import sys

from sanic import Sanic

from bot.tools.credentials import messaging_settings
from capnum_rasa.channels import MessengerChannel, TelegramChannel, WhatsAppChannel


def main() -> None:
    port, db_path = int(sys.argv[1]), sys.argv[2]
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS turns (sender TEXT, text TEXT)")
    settings = messaging_settings()
    app = Sanic("capnum_channels_test")

    async def on_new_message(message):
        with sqlite3.connect(db_path) as db:
            db.execute("INSERT INTO turns VALUES (?, ?)", (message.sender_id, message.text))
        await message.output_channel.send_text_message(message.sender_id, "D'accord.")

    for cls in (TelegramChannel, MessengerChannel, WhatsAppChannel):
        channel = cls.from_credentials(settings[f"capnum_rasa.channels.{cls.__name__}"])
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
    app.run("127.0.0.1", port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
