// tests/browser/workbench.test.mjs — the coder's workbench in a real browser: starts
// `cpl serve` on a free loopback port, drives Debian's chromium with playwright-core, fills
// the study form, checks the claim, why-not, review, payer comparison and pasted JSON, and
// takes a screenshot that must be a real PNG of a real page.
// Usage: node workbench.test.mjs CPL_BINARY SCREENSHOT.png   (run from the repository root)
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { chromium } from "playwright-core";

const [cpl = "build/cpl", screenshot = "build/workbench.png"] = process.argv.slice(2);
const results = { passed: 0, failed: 0 };
function check(ok, what) {
  if (ok) results.passed++;
  else { results.failed++; console.error(`FAILED: ${what}`); }
}

// The whole test is bounded: a hang anywhere ends it as a failure.
const deadline = setTimeout(() => { console.error("FAILED: timed out after 120 s"); process.exit(1); }, 120_000);

function startServer() {
  const server = spawn(cpl, ["serve", "--host", "127.0.0.1", "--port", "0", "--policy", "standard", "--policy", "policies/commercial.cpl"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve({ server, url: m[1] });
    });
    server.on("exit", (code) => reject(new Error(`cpl serve exited with ${code}`)));
  });
}

const { server, url } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CPL_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("#policy option", { state: "attached" });
  check((await page.locator("#policy option").count()) === 2, "both policies are offered");
  await page.waitForFunction(() => document.querySelectorAll("#muscle-names option").length > 50);
  check(true, "muscle names are completed from the standard table");

  // The study: a complete right arm and three nerve conduction studies.
  await page.fill("#case-id", "browser-cts");
  await page.fill("#dos", "2025-03-14");
  await page.fill("#diagnoses", "G56.01");
  const muscle = page.locator(".limb .muscle-input").first();
  for (const name of ["APB", "FDI", "pronator teres", "biceps", "deltoid"]) {
    await muscle.fill(name);
    await muscle.press("Enter");
  }
  check((await page.locator(".limb .chip").count()) === 5, "five muscles entered");
  await page.click("#add-ncs");
  await page.locator("#ncs tr").nth(1).locator(".nerve").fill("median");
  await page.locator("#ncs tr").nth(1).locator(".type").selectOption("sensory");
  await page.click("#add-ncs");
  await page.locator("#ncs tr").nth(2).locator(".nerve").fill("ulnar");
  // An F-wave ticked on a sensory row was dropped without a word: it is the case's error.
  await page.locator("#ncs tr").nth(1).locator(".f-wave").check();
  await page.click("#run");
  await page.waitForSelector("#error:not([hidden])");
  check((await page.locator("#error").innerText()).includes("nerve_conduction[1].f_wave"),
    "an F-wave on a sensory study is refused where it was ticked");
  await page.locator("#ncs tr").nth(1).locator(".f-wave").uncheck();
  await page.click("#run");
  await page.waitForSelector("#claim-table tbody tr td strong");
  const claimText = await page.locator("#claim-table").innerText();
  check(claimText.includes("95886"), "the claim bills 95886 for the complete limb");
  check(/9590[7-9]|9591[0-3]/.test(claimText), "the claim bills the NCS band code");
  check(claimText.includes("because"), "explanations are shown");
  check((await page.locator("#documentation li").count()) > 0, "documentation is listed");

  // Why is 95885 not billed?
  await page.fill("#why-not-code", "95885");
  await page.click("#why-not");
  await page.waitForSelector("#why-not-result li");
  check((await page.locator("#why-not-result").innerText()).includes("95885"), "why-not answers about 95885");

  // A submitted claim gets a review.
  await page.click("#add-claim-line");
  await page.locator("#claim-lines tr").nth(0).locator(".code").fill("95886");
  await page.click("#add-claim-line");
  await page.locator("#claim-lines tr").nth(1).locator(".code").fill("95870");
  await page.locator("#claim-lines tr").nth(1).locator(".modifiers").fill("59");
  await page.click("#run");
  await page.waitForSelector("#review:not([hidden]) #review-table tbody tr");
  const review = await page.locator("#review-table").innerText();
  check(review.includes("95870") && /denied|adjusted|accepted/.test(review), "the review gives verdicts");

  // Compare the commercial payer with the standard set.
  await page.selectOption("#policy", "commercial");
  await page.click("#compare");
  await page.waitForSelector("#changes tbody tr");
  check((await page.locator("#changes tbody tr").count()) > 3, "the payer's changes are listed");
  check((await page.locator("#compare-claims").innerText()).includes("standard:"), "claims under both policies");

  // Pasted case JSON.
  await page.selectOption("#policy", "standard");
  await page.click("#tab-json");
  await page.fill("#case-json", readFileSync("tests/golden/run/standard/carpal-tunnel-right.case.json", "utf8"));
  await page.click("#run");
  await page.waitForFunction(() => document.querySelector("#claim-policy").textContent.includes("carpal-tunnel-right"));
  check(true, "pasted JSON is coded");
  // A bad case shows its error with the JSON path.
  await page.fill("#case-json", '{"id": "x", "extremities": [{"limb": "right_arm", "muscles": ["APBB"]}]}');
  await page.click("#run");
  await page.waitForSelector("#error:not([hidden])");
  check((await page.locator("#error").innerText()).includes("extremities[0].muscles[0]"), "the error names the JSON path");
  await page.fill("#case-json", readFileSync("tests/golden/run/review/addon-primary-omitted.case.json", "utf8"));
  await page.click("#run");
  await page.waitForSelector("#review:not([hidden]) #review-table tbody tr");
  check(await page.locator("#why-not-result").isHidden(), "an earlier why-not answer is cleared");
  check(pageErrors.length === 0, `no script errors (${pageErrors.join("; ")})`);

  await page.screenshot({ path: screenshot, fullPage: true });
  const png = readFileSync(screenshot);
  const signature = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
  check(signature, "the screenshot is a PNG");
  check(width >= 1000 && height >= 700, `the screenshot is page-sized (${width}x${height})`);
  check(statSync(screenshot).size > 30_000, "the screenshot is not blank (size)");
} catch (e) {
  check(false, String(e && e.stack || e));
} finally {
  await browser.close();
  server.kill("SIGTERM");
  clearTimeout(deadline);
}
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
