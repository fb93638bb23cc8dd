// Progressive: where the browser can read QR codes from the camera, offer a button that
// fills the check-in code and sends the form. Without it, the text field (and a USB scanner) work.
(function () {
  "use strict";
  var box = document.querySelector(".camera-scan");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var form = box.closest("form");
  var input = document.getElementById(box.dataset.target);
  var video = box.querySelector("video");
  var button = box.querySelector("[data-action=start-camera]");
  box.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      var scan = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            input.value = codes[0].rawValue;
            form.submit();
            return;
          }
          window.requestAnimationFrame(scan);
        }).catch(function () { window.requestAnimationFrame(scan); });
      };
      scan();
    }).catch(function () {
      button.textContent = "カメラを使えません。受付コードを入力してください。";
      button.disabled = true;
    });
  });
})();
