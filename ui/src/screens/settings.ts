// Settings: microphone with a test meter, speech model with its speed measured on this laptop,
// Thai or Arabic digits, idle lock minutes, language.
import { api, asAppError, on, type ModelView, type Settings } from "../api";
import { setLang, t } from "../i18n";
import { register } from "../shortcuts";
import { defineScreen, isAdmin, state } from "../state";
import { $, setMeter, showError } from "../ui";

let models: ModelView[] = [];
let testing = false;

function modelText(m: ModelView): string {
  const speed = m.measuredRtf != null ? ` · ${t("rtfShort", { rtf: m.measuredRtf.toFixed(2) })}` : "";
  const missing = m.installed ? "" : ` · ${t("notInstalled")}`;
  return `${m.name} · ${Math.round(m.sizeMb)} MB${speed}${missing}`;
}

function describeModel(): void {
  const m = models.find((x) => x.name === $<HTMLSelectElement>("set-model").value);
  $("model-speed").textContent = !m
    ? ""
    : m.measuredRtf != null
      ? t("rtfLong", { rtf: m.measuredRtf.toFixed(2), secs: Math.round(m.measuredRtf * 60) })
      : t("rtfUnknown");
}

async function load(): Promise<void> {
  try {
    const [s, mics, ms] = await Promise.all([api.getSettings(), api.listMicrophones(), api.listModels()]);
    models = ms;
    const mic = $<HTMLSelectElement>("set-microphone");
    mic.replaceChildren(new Option(t("defaultMicrophone"), ""), ...mics.map((m) => new Option(m, m)));
    mic.value = s.microphone ?? "";
    const model = $<HTMLSelectElement>("set-model");
    model.replaceChildren(
      ...ms.map((m) => {
        const o = new Option(modelText(m), m.name);
        o.disabled = !m.installed;
        return o;
      }),
    );
    model.value = s.model ?? ms.find((m) => m.default)?.name ?? "";
    describeModel();
    $<HTMLInputElement>(s.digits === "arabic" ? "set-digits-arabic" : "set-digits-thai").checked = true;
    $<HTMLSelectElement>("set-language").value = s.language === "en" ? "en" : "th";
    $<HTMLInputElement>("set-idle").value = String(s.idleLockMinutes);
    // Model, digits and idle lock are the station's settings: only its administrator changes them.
    const station = isAdmin();
    for (const id of ["set-model", "set-digits-thai", "set-digits-arabic", "set-idle"])
      ($(id) as HTMLInputElement).disabled = !station;
    $("station-only").hidden = station;
    showError($("settings-error"), null);
  } catch (e) {
    showError($("settings-error"), asAppError(e));
  }
}

async function save(): Promise<void> {
  const digits = $<HTMLInputElement>("set-digits-arabic").checked ? "arabic" : "thai";
  const settings: Settings = {
    microphone: $<HTMLSelectElement>("set-microphone").value || null,
    model: $<HTMLSelectElement>("set-model").value || null,
    digits,
    idleLockMinutes: Number($<HTMLInputElement>("set-idle").value),
    language: $<HTMLSelectElement>("set-language").value === "en" ? "en" : "th",
  };
  try {
    const saved = await api.setSettings(settings);
    state.digits = saved.digits;
    if (state.info) state.info = { ...state.info, digits: saved.digits, idleLockMinutes: saved.idleLockMinutes };
    localStorage.setItem("banthuek.lang", saved.language);
    setLang(saved.language);
    document.dispatchEvent(new CustomEvent("banthuek:relabel"));
    $("settings-saved").textContent = t("settingsSaved");
    showError($("settings-error"), null);
  } catch (e) {
    showError($("settings-error"), asAppError(e));
  }
}

async function micTest(start: boolean): Promise<void> {
  try {
    await api.micTest(start);
    testing = start;
  } catch (e) {
    testing = false;
    showError($("settings-error"), asAppError(e));
  }
  $("mic-test").setAttribute("aria-pressed", String(testing));
  $("mic-test").classList.toggle("recording", testing);
  if (!testing) setMeter($("mic-meter"), 0, 0);
}

export function initSettings(): void {
  $("settings-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void save();
  });
  $("set-model").addEventListener("change", describeModel);
  $("mic-test").addEventListener("click", () => void micTest(!testing));
  void on("audio-level", (l) => {
    if (testing) setMeter($("mic-meter"), l.rms, l.peak);
  });
  register({ id: "settings.save", keys: ["Ctrl+S"], label: "save", scope: "settings", inInputs: true, run: () => void save() });
  register({
    id: "settings.micTest",
    keys: ["Alt+T"],
    label: "micTest",
    scope: "settings",
    run: () => void micTest(!testing),
  });
  defineScreen("settings", {
    show: async () => {
      $("settings-saved").textContent = "";
      await load();
      $("set-microphone").focus();
    },
    leave: async () => {
      if (testing) await micTest(false);
    },
    relabel: () => void load(),
  });
}
