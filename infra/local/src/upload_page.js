// The local upload page: what a frontend does with the API, and nothing more.
"use strict";
let token = null;
const $ = (id) => document.getElementById(id);
const say = (text, error) => { $("result").textContent = text; $("result").className = error ? "error" : ""; };

async function api(method, path, body) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = "Bearer " + token;
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.detail || response.statusText);
  return json;
}

$("account").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = $("email").value, password = $("password").value;
  try {
    token = (await api("POST", "/v1/auth/login", { email, password })).access_token;
  } catch {
    try {
      token = (await api("POST", "/v1/auth/register", { email, password, full_name: $("name").value || email })).access_token;
    } catch (error) { return say(error.message, true); }
  }
  $("account").hidden = true; $("upload").hidden = false; say("Signed in as " + email + ".");
});

$("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("file").files[0];
  const types = { pdf: "application/pdf", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
  const type = types[file.name.split(".").pop().toLowerCase()] || "text/plain";
  try {
    const ticket = await api("POST", "/v1/uploads", { filename: file.name, content_type: type, size: file.size });
    const put = await fetch(ticket.url, { method: "PUT", headers: { "content-type": type }, body: file });
    if (!put.ok) throw new Error("the upload was refused");
    let last = "";
    for (;;) {
      const job = await api("GET", "/v1/jobs/" + ticket.job_id);
      if (job.status !== last) {
        const item = document.createElement("li"); item.textContent = job.status; $("progress").append(item); last = job.status;
      }
      if (job.status === "ready") {
        const link = document.createElement("a"); link.href = job.links.preview; link.textContent = "Open your preview";
        $("result").replaceChildren(link); return;
      }
      if (job.status === "failed") return say(job.error ? job.error.reason : "It failed.", true);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) { say(error.message, true); }
});
