// Starts the telegram-test-api Bot API emulator for tests/test_telegram_e2e.py:
// `node emulator.js PORT`; prints "listening PORT" once it accepts connections.
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });

server.start().then(() => console.log(`listening ${port}`));

const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
