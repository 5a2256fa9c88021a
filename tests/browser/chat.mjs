// The chat example in a real browser: headless Chromium (Debian's, driven by playwright-core) opens
// two pages of examples/chat; they pick names, see each other online, talk in a room, make a room,
// send to everyone, and one leaves. Saves a screenshot of the first page.
//
//   node tests/browser/chat.mjs <chat-server> <screenshot.png> [chromium]
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero if any failed.

import { check, checkStops, expectEqual, fail, installNodePackages, requireTestPackage, scriptArguments, ServerProcess, summary }
    from '../interop/support.mjs';

const [serverPath, screenshotPath, chromiumPath = '/usr/bin/chromium'] =
    scriptArguments('node chat.mjs <chat-server> <screenshot.png> [chromium]', (args) => args.length >= 2);

installNodePackages('tests/interop', 'examples/chat'); // playwright-core; the page's signalr.min.js
const { chromium } = requireTestPackage('playwright-core');

const server = await ServerProcess.start(serverPath, ['--port', '0']);
const url = server.urls[0];
console.log(`# chat-server listening on ${url}`);

let browser;
try {
    browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
} catch (e) {
    server.kill();
    console.log(`not ok - launch ${chromiumPath}\n  # ${e.message}`);
    process.exit(1);
}

// A page in a browser context of its own (its own connection), with its errors collected.
async function openPage() {
    const context = await browser.newContext({ viewport: { width: 1100, height: 680 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) page.errors.push(`${r.status()} for ${r.url()}`); });
    await page.goto(url);
    return page;
}

async function pickName(page, name) {
    await page.fill('#name-input', name);
    await page.click('#name-button');
    await page.waitForFunction(() => !document.getElementById('send').disabled);
    await page.waitForFunction(() => document.getElementById('room-title').textContent === '#lobby');
}

const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent));
const waitForText = (page, selector, text) =>
    page.waitForFunction(([s, t]) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)), [selector, text]);

async function say(page, text, button = '#send') {
    await page.fill('#message-input', text);
    await page.click(button);
}

let ana;
let ben;

await check('the page loads the client from the server and connects', async () => {
    ana = await openPage();
    expectEqual(await ana.title(), 'signalrpp chat', 'title');
    await ana.waitForFunction(() => typeof signalR === 'object' && signalR.VERSION !== undefined);
    await waitForText(ana, '#status', 'Online');
});

await check('a name is needed first, then the page enters #lobby', async () => {
    await ana.click('#name-button'); // empty: the browser keeps the dialog open (required field)
    if (!(await ana.isVisible('#welcome'))) fail('the name dialog closed without a name');
    await pickName(ana, 'ana');
    await waitForText(ana, '#people li', 'ana');
});

await check('a second page sees the rooms and both people online', async () => {
    ben = await openPage();
    await pickName(ben, 'ben');
    await waitForText(ben, '#rooms li', '#random');
    for (const page of [ana, ben]) {
        await page.waitForFunction(() => document.querySelectorAll('#people li').length === 2);
        expectEqual((await texts(page, '#people .name')).sort(), ['ana', 'ben'], 'people');
    }
    await waitForText(ana, '#messages .notice', 'ben joined');
});

await check('one page sends to the room and the other shows the message', async () => {
    await say(ben, 'Hello from ben!');
    await waitForText(ana, '#messages .message .text', 'Hello from ben!');
    const from = await ana.$eval('#messages .message:last-child .from', (e) => e.textContent);
    expectEqual(from, 'ben', 'sender');
    await waitForText(ben, '#messages .message.mine .text', 'Hello from ben!');
    expectEqual(await ben.inputValue('#message-input'), '', 'the composer after sending');
});

await check('the answer goes back, and the history is there after a reload', async () => {
    await say(ana, 'Hi ben, welcome to signalrpp chat.');
    await waitForText(ben, '#messages .message .text', 'welcome to signalrpp');
    const later = await openPage();
    await pickName(later, 'cleo');
    await waitForText(later, '#messages .text', 'Hello from ben!');
    await waitForText(later, '#messages .text', 'welcome to signalrpp');
    await later.context().close();
    await ana.waitForFunction(() => document.querySelectorAll('#people li').length === 2);
});

await check('a new room appears for everyone, with who is in it', async () => {
    await ana.fill('#room-input', 'Design');
    await ana.click('#room-form button');
    await ana.waitForFunction(() => document.getElementById('room-title').textContent === '#design');
    await waitForText(ben, '#rooms li', '#design');
    await ben.waitForFunction(() => [...document.querySelectorAll('#people li')]
        .some((li) => li.textContent.includes('ana') && li.textContent.includes('#design')));
    await ben.click('#rooms li button:text-is("#design")');
    await ben.waitForFunction(() => document.getElementById('room-title').textContent === '#design');
    await say(ben, 'Only for #design');
    await waitForText(ana, '#messages .text', 'Only for #design');
});

await check('a message to everyone reaches every room', async () => {
    await ben.click('#rooms li button:text-is("#lobby")');
    await ben.waitForFunction(() => document.getElementById('room-title').textContent === '#lobby');
    await say(ana, 'Lunch is ready', '#announce');
    await waitForText(ben, '#messages .message.everyone .text', 'Lunch is ready');
    await waitForText(ana, '#messages .message.everyone .text', 'Lunch is ready');
});

await check('errors from the hub are shown (a message too long)', async () => {
    await ben.evaluate(() => { document.getElementById('message-input').removeAttribute('maxlength'); });
    await say(ben, 'x'.repeat(1001));
    await waitForText(ben, '#error', 'longer than 1000 bytes');
});

await check(`a screenshot is saved (${screenshotPath})`, async () => {
    await ana.click('#rooms li button:text-is("#lobby")');
    await ana.waitForFunction(() => document.getElementById('room-title').textContent === '#lobby');
    await say(ben, 'See you in #design later.');
    await waitForText(ana, '#messages .text', 'See you in #design later');
    await say(ana, 'Standup in five minutes', '#announce');
    await waitForText(ana, '#messages .message.everyone .text', 'Standup in five minutes');
    await ana.screenshot({ path: screenshotPath });
});

await check('a page that goes away leaves: the others see it', async () => {
    await ben.context().close();
    await ana.waitForFunction(() => document.querySelectorAll('#people li').length === 1);
    expectEqual(await texts(ana, '#people .name'), ['ana'], 'people');
    await waitForText(ana, '#messages .notice', 'ben left');
});

await check('no errors in the pages', async () => {
    const errors = [...ana.errors, ...(ben ? ben.errors : [])];
    // The over-long message is refused on purpose; the client logs that refusal as an error.
    const unexpected = errors.filter((e) => !e.includes('longer than 1000 bytes'));
    if (unexpected.length) fail(unexpected.join(' | '));
});

await browser.close();
await checkStops(server);
process.exit(summary());
