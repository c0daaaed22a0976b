#!/usr/bin/env node
/*
 * bench/bench_twitter_text.js - the work of bench/bench_text.c done by npm
 * twitter-text 3.1.0 (installed in bench/node_modules by bench/run.sh).
 *
 * One unit of work is "parse+extract" of one post:
 *   twttr.parseTweet(text, V1) + twttr.extractEntitiesWithIndices(text)
 * with the v1 config passed explicitly (the package's default is v3).
 *
 *   node bench_twitter_text.js bench CORPUS [--seconds S] [--reps N] [--warmup S]
 *   node bench_twitter_text.js linearity CORPUS [--seconds S] [--budget S]
 *   node bench_twitter_text.js dump CORPUS OUT.jsonl   (or --dump; likewise --bench, --linearity)
 *
 * Same protocol and output ("key=value" lines on stdout, commentary on
 * stderr) as the C driver; see there. Every timed loop is bounded in time.
 */
'use strict';

const fs = require('fs');

const WANT_VERSION = '3.1.0';
const pkgVersion = require('twitter-text/package.json').version;
if (pkgVersion !== WANT_VERSION) {
    console.error(`bench_twitter_text: twitter-text ${pkgVersion} installed, want ${WANT_VERSION}`);
    process.exit(2);
}
const tt = require('twitter-text');
const twttr = tt.default || tt;

const V1 = {
    version: 1,
    maxWeightedTweetLength: 140,
    scale: 1,
    defaultWeight: 1,
    transformedURLLength: 23,
    ranges: [],
};
const LIN_TARGET = 1 << 20;
const LIN_SMALL = 140;
const CHECK_EVERY = 64;

let sink = 0;

function now() {
    return Number(process.hrtime.bigint()) / 1e9;
}

function usage() {
    console.error(
        'usage: node bench_twitter_text.js bench CORPUS [--seconds S] [--reps N] [--warmup S]\n' +
            '       node bench_twitter_text.js linearity CORPUS [--seconds S] [--budget S]\n' +
            '       node bench_twitter_text.js dump CORPUS OUT.jsonl'
    );
    process.exit(2);
}

/* One post per line, empty lines skipped (as the C driver). */
function loadCorpus(path) {
    const texts = fs
        .readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0);
    if (texts.length === 0) {
        console.error(`bench_twitter_text: ${path}: no posts`);
        process.exit(2);
    }
    return texts;
}

function parseExtract(text) {
    const r = twttr.parseTweet(text, V1);
    const e = twttr.extractEntitiesWithIndices(text);
    sink += r.weightedLength + e.length;
}

/* CPU time of the process (all its threads: JIT and GC helpers too), in seconds. */
function cpuNow() {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
}

/*
 * Round and round the texts until seconds have passed; returns
 * [elapsed, texts, bytes, cpu seconds].
 */
function runFor(texts, bytes, seconds) {
    const c0 = cpuNow();
    const t0 = now();
    const n = texts.length;
    let k = 0,
        b = 0,
        i = 0,
        t = 0;
    for (;;) {
        parseExtract(texts[i]);
        b += bytes[i];
        k++;
        if (++i === n) i = 0;
        if (k % CHECK_EVERY === 0 && (t = now() - t0) >= seconds) break;
    }
    return [t, k, b, cpuNow() - c0];
}

function cmdBench(texts, seconds, reps, warmup) {
    const bytes = texts.map((s) => Buffer.byteLength(s, 'utf8'));
    runFor(texts, bytes, warmup);
    const rate = [];
    const cpuRate = [];
    for (let r = 0; r < reps; r++) {
        const [el, k, b, cpu] = runFor(texts, bytes, seconds);
        rate.push(k / el);
        cpuRate.push(k / cpu);
        console.error(
            `js: repetition ${r + 1}: ${k} texts in ${el.toFixed(3)} s (${cpu.toFixed(3)} s CPU), ` +
                `${(k / el).toFixed(0)} texts/s, ${(b / el / 1e6).toFixed(1)} MB/s`
        );
    }
    rate.sort((a, b) => a - b);
    cpuRate.sort((a, b) => a - b);
    const h = reps >> 1;
    const med = reps % 2 ? rate[h] : (rate[h - 1] + rate[h]) / 2;
    const cpuMed = reps % 2 ? cpuRate[h] : (cpuRate[h - 1] + cpuRate[h]) / 2;
    console.log(`js.cpu_texts_per_s_median=${cpuMed.toFixed(0)}`);
    console.log(`js.texts=${texts.length}`);
    console.log(`js.reps=${reps}`);
    console.log(`js.seconds_per_rep=${seconds}`);
    console.log(`js.texts_per_s_min=${rate[0].toFixed(0)}`);
    console.log(`js.texts_per_s_max=${rate[reps - 1].toFixed(0)}`);
    console.log(`js.texts_per_s_median=${med.toFixed(0)}`);
    console.log(`js.ns_per_text_median=${(1e9 / med).toFixed(1)}`);
    console.log(`js.node=${process.version}`);
    console.log(`js.twitter_text=${pkgVersion}`);
}

/* Corpus lines, cycled, joined with single spaces, as many as fit in LIN_TARGET bytes. */
function buildBig(texts) {
    const parts = [];
    let n = 0;
    for (let i = 0; ; i++) {
        const l = texts[i % texts.length];
        const need = Buffer.byteLength(l, 'utf8') + (n > 0 ? 1 : 0);
        if (n + need > LIN_TARGET) break;
        parts.push(l);
        n += need;
    }
    return parts.join(' ');
}

function cmdLinearity(texts, seconds, budget) {
    const big = buildBig(texts);
    const buf = Buffer.from(big, 'utf8');
    const len = buf.length;
    const t0 = now();

    // 140-character texts: the same bytes, cut every LIN_SMALL code points.
    const small = [];
    let cur = 0,
        start = 0;
    for (let i = 0; i < big.length; ) {
        const cp = big.codePointAt(i);
        i += cp > 0xffff ? 2 : 1;
        if (++cur === LIN_SMALL || i >= big.length) {
            small.push(big.slice(start, i));
            start = i;
            cur = 0;
        }
    }
    const smallBytes = small.map((s) => Buffer.byteLength(s, 'utf8'));
    runFor(small, smallBytes, seconds / 4); // warm-up
    const [el, , b] = runFor(small, smallBytes, seconds);
    const smallNs = (el * 1e9) / b;
    console.error(
        `js: linearity: ${small.length} texts of ${LIN_SMALL} characters: ${smallNs.toFixed(3)} ns/byte`
    );

    // The big text's doubling prefixes, then itself, as long as the budget allows.
    const sizes = [];
    for (let s = 16 << 10; s < len; s *= 2) sizes.push(s);
    sizes.push(len);
    let prev = 0,
        first = 0,
        overall = 1,
        growth = 1,
        bigSize = 0,
        bigNs = 0,
        skipped = '';
    for (let k = 0; k < sizes.length; k++) {
        let plen = sizes[k];
        while (plen < len && (buf[plen] & 0xc0) === 0x80) plen--; // a code point boundary
        if (k > 0) {
            const predicted = prev * Math.pow(2, Math.max(1, growth));
            if (now() - t0 + predicted > budget) {
                skipped =
                    `skipped ${plen} bytes and above: one run would take ~${predicted.toFixed(1)} s, ` +
                    `over the ${budget} s budget`;
                console.error(`js: linearity: ${skipped}`);
                break;
            }
        }
        const text = buf.toString('utf8', 0, plen);
        const r0 = now();
        let runs = 0,
            e;
        do {
            parseExtract(text);
            runs++;
        } while ((e = now() - r0) < seconds / 4 && now() - t0 < budget);
        const perRun = e / runs;
        if (k > 0 && prev > 0) growth = Math.log2(perRun / prev) / Math.log2(plen / bigSize);
        console.error(
            `js: linearity: ${plen} bytes: ${perRun.toFixed(4)} s per run (${runs} runs), ` +
                `${((perRun * 1e9) / plen).toFixed(3)} ns/byte`
        );
        if (k === 0) first = perRun;
        else overall = Math.log2(perRun / first) / Math.log2(plen / sizes[0]);
        prev = perRun;
        bigSize = plen;
        bigNs = (perRun * 1e9) / plen;
    }
    console.log(`js.lin.small_chars=${LIN_SMALL}`);
    console.log(`js.lin.small_ns_per_byte=${smallNs.toFixed(3)}`);
    console.log(`js.lin.big_bytes=${bigSize}`);
    console.log(`js.lin.big_complete=${bigSize === len ? 1 : 0}`);
    console.log(`js.lin.big_ns_per_byte=${bigNs.toFixed(3)}`);
    console.log(`js.lin.ratio=${(bigNs / smallNs).toFixed(3)}`);
    console.log(`js.lin.growth_exponent=${overall.toFixed(2)}`); // time ~ size^this
    if (skipped) console.log(`js.lin.skipped=${skipped}`);
}

function entityOut(e) {
    if ('url' in e) return { type: 'url', value: e.url, list: '', indices: e.indices };
    if ('hashtag' in e) return { type: 'hashtag', value: e.hashtag, list: '', indices: e.indices };
    if ('screenName' in e)
        return { type: 'mention', value: e.screenName, list: e.listSlug || '', indices: e.indices };
    if ('cashtag' in e) return { type: 'cashtag', value: e.cashtag, list: '', indices: e.indices };
    return { type: '?', value: JSON.stringify(e), list: '', indices: e.indices };
}

function cmdDump(texts, out) {
    const lines = [];
    texts.forEach((text, i) => {
        const r = twttr.parseTweet(text, V1);
        const ents = twttr.extractEntitiesWithIndices(text);
        // UTF-16 units -> code points. Not upstream's modifyIndicesFromUTF16ToUnicode:
        // it leaves an end index unconverted when the entity holds astral characters.
        for (const e of ents)
            e.indices = e.indices.map((u) => Array.from(text.slice(0, u)).length);
        lines.push(
            JSON.stringify({
                i,
                weightedLength: r.weightedLength,
                valid: r.valid,
                permillage: r.permillage,
                displayRangeStart: r.displayRangeStart,
                displayRangeEnd: r.displayRangeEnd,
                validRangeStart: r.validRangeStart,
                validRangeEnd: r.validRangeEnd,
                entities: ents.map(entityOut),
            })
        );
    });
    fs.writeFileSync(out, lines.join('\n') + '\n');
    console.error(`js: dumped ${texts.length} texts to ${out}`);
}

function main() {
    const argv = process.argv.slice(2);
    if (argv.length < 2) usage();
    const cmd = argv[0].replace(/^--/, ''); // "--dump" is "dump"
    const corpusPath = argv[1];
    let seconds = 2,
        reps = 5,
        warmup = 2,
        budget = 60,
        out = null;
    for (let i = 2; i < argv.length; i++) {
        if (argv[i] === '--seconds' && i + 1 < argv.length) seconds = Number(argv[++i]);
        else if (argv[i] === '--reps' && i + 1 < argv.length) reps = parseInt(argv[++i], 10);
        else if (argv[i] === '--warmup' && i + 1 < argv.length) warmup = Number(argv[++i]);
        else if (argv[i] === '--budget' && i + 1 < argv.length) budget = Number(argv[++i]);
        else if (cmd === 'dump' && i === 2) out = argv[i];
        else usage();
    }
    if (!(seconds > 0) || !(reps >= 1) || !(warmup >= 0) || !(budget > 0)) usage();
    const texts = loadCorpus(corpusPath);
    if (cmd === 'bench') cmdBench(texts, seconds, reps, warmup);
    else if (cmd === 'linearity') cmdLinearity(texts, seconds, budget);
    else if (cmd === 'dump' && out) cmdDump(texts, out);
    else usage();
    console.log(`js.sink=${sink}`);
}

main();
