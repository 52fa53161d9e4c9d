(function () {
  "use strict";
  // Optional helpers: everything on the page also works without this script.
  var feed = document.getElementById("feed-url");
  if (feed) {
    if (feed.getAttribute("data-local") === "true" && /^https?:$/.test(location.protocol)) {
      // a local-only feed: show the address this page was actually served from
      var url = new URL(feed.getAttribute("data-feed"), location.href).href;
      var rest = url.split("://")[1];
      feed.value = url;
      document.getElementById("app-podcast").href = "podcast://" + rest;
      document.getElementById("app-pcast").href = "pcast://" + rest;
    }
    var copy = document.getElementById("copy-feed");
    var status = document.getElementById("copy-status");
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var done = function () { status.textContent = "Copied to the clipboard."; };
      var fallback = function () {
        feed.select();
        try { document.execCommand("copy"); done(); }
        catch (e) { status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected address."; }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(feed.value).then(done, fallback);
      } else { fallback(); }
    });
  }

  var audio = document.getElementById("player");
  if (!audio) { return; }
  var chapters = Array.prototype.slice.call(document.querySelectorAll("a.chapter"));
  chapters.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      audio.currentTime = parseFloat(link.getAttribute("data-start"));
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    });
  });

  var cues = Array.prototype.slice.call(document.querySelectorAll(".cue")).map(function (el) {
    return { el: el, start: parseFloat(el.getAttribute("data-start")), end: parseFloat(el.getAttribute("data-end")) };
  });
  var starts = chapters.map(function (link) { return parseFloat(link.getAttribute("data-start")); });
  var currentCue = null, currentChapter = null;

  function mark(old, now, cls) {
    if (old === now) { return now; }
    if (old) { old.removeAttribute("aria-current"); if (cls) { old.classList.remove(cls); } }
    if (now) { now.setAttribute("aria-current", "true"); if (cls) { now.classList.add(cls); } }
    return now;
  }

  function update() {
    var t = audio.currentTime, cue = null, chapter = null, i;
    for (i = 0; i < cues.length; i++) {
      if (cues[i].start <= t && t < cues[i].end) { cue = cues[i].el; break; }
    }
    for (i = 0; i < starts.length; i++) {
      if (starts[i] <= t + 0.05) { chapter = chapters[i]; }
    }
    currentCue = mark(currentCue, cue, "current");
    currentChapter = mark(currentChapter, chapter, null);
  }
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  if (audio.textTracks && audio.textTracks.length) {
    audio.textTracks[0].mode = "hidden";  // keep the cues loaded without drawing captions
    audio.textTracks[0].addEventListener("cuechange", update);
  }
}());
