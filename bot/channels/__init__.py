"""Channels that push replies to people (Telegram); the web chat API lives in bot/views."""
