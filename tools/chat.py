"""Talk to a running help desk from the terminal, through the web chat API.

    python -m tools.chat [--url http://127.0.0.1:8080] [--locale ar]

Buttons are shown numbered: type the number to press one.
"""
import argparse
import json
import secrets
import urllib.request


def send(url: str, conversation: str, text: str, locale: str = None) -> dict:
    body = {"text": text}
    if locale:
        body["locale"] = locale
    request = urllib.request.Request(
        f"{url}/api/chat/{conversation}/messages", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--locale")
    args = parser.parse_args()
    conversation = "terminal-" + secrets.token_hex(6)
    buttons = []
    print("Write a message (Ctrl-D to quit).")
    while True:
        try:
            text = input("> ").strip()
        except EOFError:
            return 0
        if not text:
            continue
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        reply = send(args.url, conversation, text, args.locale)
        buttons = []
        for message in reply["messages"]:
            print(message["text"])
            for button in message.get("buttons", []):
                buttons.append(button)
                print(f"  [{len(buttons)}] {button['title']}")
        print(f"   ({reply['language']}, {reply['handoff']['state']})")


if __name__ == "__main__":
    raise SystemExit(main())
