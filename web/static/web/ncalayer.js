/* A minimal NCALayer-protocol client, speaking what the MIT-licensed ncalayer-js-client speaks:
   wait for the greeting ({"result": {"version": ...}}), then kz.gov.pki.knca.basics.sign with
   format "cms" (detached), answered {"status": true, "body": {"result": [<base64 CMS>]}}.
   The URL comes from <meta name="ncalayer-url">: real NCALayer (wss://127.0.0.1:13579) in
   production, the project's ncalayer_signer in development and tests. */
(function () {
  "use strict";
  var EKU_SIGN = "1.3.6.1.5.5.7.3.4", EKU_AUTH = "1.3.6.1.5.5.7.3.2";

  function url() {
    var meta = document.querySelector('meta[name="ncalayer-url"]');
    return meta ? meta.content : "wss://127.0.0.1:13579";
  }

  function session(timeoutMs) {
    return new Promise(function (resolve, reject) {
      var ws, pending = [], greeted = false;
      try { ws = new WebSocket(url()); } catch (e) { reject(e); return; }
      var timer = setTimeout(function () { reject(new Error("timeout")); try { ws.close(); } catch (e) {} }, timeoutMs || 10000);
      ws.onerror = function () { clearTimeout(timer); reject(new Error("NCALayer is not reachable")); };
      ws.onclose = function () { while (pending.length) pending.shift().reject(new Error("closed")); };
      ws.onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (!greeted) {
          greeted = true;
          clearTimeout(timer);
          resolve({
            call: function (request) {
              return new Promise(function (res, rej) { pending.push({ resolve: res, reject: rej }); ws.send(JSON.stringify(request)); });
            },
            close: function () { ws.close(); }
          });
          return;
        }
        var waiter = pending.shift();
        if (waiter) waiter.resolve(message);
      };
    });
  }

  /* Sign base64 data as a detached CMS with a key of the given purpose ("sign" | "auth"). */
  function basicsSignCMS(dataB64, purpose, signer) {
    signer = signer || {};
    return session().then(function (s) {
      return s.call({
        module: "kz.gov.pki.knca.basics", method: "sign",
        args: {
          allowedStorages: null, format: "cms", data: dataB64,
          signingParams: { decode: true, encapsulate: false, digested: false, tsaProfile: {} },
          signerParams: { extKeyUsageOids: [purpose === "auth" ? EKU_AUTH : EKU_SIGN], iin: signer.iin || "",
                          bin: signer.bin || "", serialNumber: "", chain: [] },
          locale: document.documentElement.lang || "kk"
        }
      }).then(function (answer) {
        s.close();
        if (answer && answer.status === true && answer.body && answer.body.result && answer.body.result.length) {
          return answer.body.result[0];
        }
        var error = new Error((answer && (answer.code + ": " + answer.message)) || "refused");
        error.code = answer && answer.code;
        throw error;
      });
    });
  }

  window.NCALayer = { basicsSignCMS: basicsSignCMS };
})();
