/* The report form (/report): tap the map (or use the phone's position) to place the pin, pick a
 * category, add a photo and a note, send.
 *
 * The form goes to POST /api/v1/incidents as multipart with the CSRF token and an Idempotency-Key:
 * one random key per submission, kept while the form is unchanged, so a double tap or a retry after
 * a lost answer files the case once. The answer (which unit, by when) or the API's error, shown next
 * to the field it names, is shown on the page. Needs case.js (`Cases`).
 */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  var $ = function (id) { return document.getElementById(id); };
  var sendButton = $("send"), picked = $("picked"), locate = $("locate"), photo = $("photo");
  var m = Cases.createMap($("case-map"));
  var county = $("case-map").dataset.county;
  var pin = null, key = null, sending = false;
  // API field → where its message goes.
  var SLOTS = { lat: "location", long: "location", category: "category", photo: "photo",
                description: "description", address: "address" };
  var RESULT_TITLES = {
    dispatched: "上报成功，已派发", filed: "上报成功，待领导指定单位", rejected: "重复上报，已合并"
  };
  var GEO_ERRORS = {
    1: "定位权限被拒绝：请在浏览器设置中允许定位，或直接点击地图选择位置",
    2: "暂时无法获取您的位置，请直接点击地图选择位置",
    3: "定位超时，请重试，或直接点击地图选择位置"
  };

  window.reportMap = m.map;  // for the browser test, which taps a known road
  Cases.addControl(m.map, "topright", "map-hint", "点击地图标出问题位置<br>可拖动图钉微调");

  function changed() { key = null; }  // an edited form is a new submission

  function setPin(latlng, how) {
    if (!pin) {
      pin = L.marker(latlng, { draggable: true, title: "问题位置", keyboard: false }).addTo(m.map);
      pin.on("dragend", function () { setPin(pin.getLatLng(), "拖动选点"); });
    }
    pin.setLatLng(latlng);
    $("lat").value = latlng.lat.toFixed(7);
    $("long").value = latlng.lng.toFixed(7);
    picked.textContent = how + "：经度 " + latlng.lng.toFixed(5) + "，纬度 " + latlng.lat.toFixed(5);
    picked.classList.add("ok");
    Cases.showError(form, "location", m.bounds.contains(latlng) ? "" : "该位置不在" + county + "范围内");
    changed();
  }

  m.map.on("click", function (e) {
    if (!sending && !form.classList.contains("is-done")) { setPin(e.latlng, "已选位置"); }
  });

  locate.addEventListener("click", function () {
    if (!navigator.geolocation || !window.isSecureContext) {
      Cases.showError(form, "location", "此浏览器无法定位（需 HTTPS 访问并允许定位），请直接点击地图选择位置");
      return;
    }
    locate.disabled = true;
    locate.textContent = "正在定位…";
    function done() { locate.disabled = false; locate.textContent = "使用我的位置"; }
    navigator.geolocation.getCurrentPosition(function (position) {
      done();
      var c = position.coords, here = L.latLng(c.latitude, c.longitude);
      if (!m.bounds.contains(here)) {
        Cases.showError(form, "location", "您当前的位置不在" + county + "范围内，请直接点击地图选择问题位置");
        return;
      }
      m.map.setView(here, 18);
      setPin(here, "我的位置（精度约 " + Math.round(c.accuracy) + " 米）");
    }, function (error) {
      done();
      Cases.showError(form, "location", GEO_ERRORS[error.code] || GEO_ERRORS[2]);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  function showPhoto() {
    var preview = $("photo-preview"), file = photo.files[0];
    if (preview.src) { URL.revokeObjectURL(preview.src); preview.removeAttribute("src"); }
    preview.hidden = !file;
    if (file) { preview.src = URL.createObjectURL(file); }
    $("photo-name").textContent = file ? file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）" : "未选择照片";
    $("photo-button").textContent = file ? "更换照片" : "拍照或选择照片";
  }
  photo.addEventListener("change", showPhoto);

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  function setSending(on) {
    sending = on;
    sendButton.disabled = on;
    sendButton.textContent = on ? "正在提交…" : "提交上报";
    form.classList.toggle("is-sending", on);
  }

  function showAnswer(c) {
    var result = $("result");
    result.className = "result status-" + c.status;
    $("result-title").textContent = RESULT_TITLES[c.status] || c.status_zh;
    $("result-message").textContent = c.message;
    $("result-link").textContent = "查看案件 #" + c.id;
    $("result-link").href = form.dataset.caseUrl.replace(/0$/, String(c.id));
    result.hidden = false;
    form.classList.add("is-done");
    setPin(L.latLng(c.lat, c.lon), "已上报位置");  // from the photo's GPS when no pin was set
    pin.dragging.disable();
    result.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function showProblem(answer) {
    var e = (answer.body && answer.body.error) || {};
    var slot = SLOTS[e.field] || (answer.status === 413 ? "photo" : "form");
    Cases.showError(form, slot, Cases.errorText(answer));
    var el = form.querySelector("[data-error='" + slot + "']");
    el.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    Cases.clearErrors(form);
    if (!$("lat").value && !photo.files.length) {
      Cases.showError(form, "location", "请点击地图选择问题位置，或点“使用我的位置”");
      $("case-map").scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    key = key || Cases.newKey();
    setSending(true);
    Cases.send(form.action, new FormData(form), { "Idempotency-Key": key }).then(function (answer) {
      setSending(false);
      if (answer.status === 201) { showAnswer(answer.body); } else { showProblem(answer); }
    }, function () {
      setSending(false);  // the key stays: sending again cannot file twice
      Cases.showError(form, "form", "网络异常，未能确认是否提交成功。请检查网络后再点“提交上报”，不会重复立案。");
    });
  });

  $("again").addEventListener("click", function () {
    form.reset();
    $("lat").value = $("long").value = "";
    showPhoto();
    if (pin) { pin.remove(); pin = null; }
    picked.textContent = "尚未选择位置：请点击地图";
    picked.classList.remove("ok");
    $("result").hidden = true;
    form.classList.remove("is-done");
    changed();
    window.scrollTo({ top: 0, behavior: "smooth" });
  });
})();
