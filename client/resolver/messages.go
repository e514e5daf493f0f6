package resolver

// Languages of the verification page. Chinese is the default: the people
// who scan the codes are shoppers and shop clerks in China.
const (
	langZH = "zh"
	langEN = "en"
)

// messages is the verification page's message catalog: every string a
// person reads on the page, per language, so the templates hold none and a
// translation is one map to review. Values with %s are fmt formats; the
// page escapes the result. TestMessageCatalog checks that both languages
// have the same keys and that every key the templates and page.go use is
// here.
var messages = map[string]map[string]string{
	langZH: {
		"page.title":   "产品追溯查验",
		"page.brand":   "tracechain 追溯查验",
		"page.source":  "结果来自 tracechain 重点工业产品质量追溯账本。",
		"page.checked": "查验时间：%s（北京时间）",
		"lang.label":   "语言",
		"lang.zh":      "中文",
		"lang.en":      "English",

		"verdict.genuine.title":          "正品 · 已登记",
		"verdict.genuine.action":         "此码已在追溯账本登记，产品在正常流通中。请核对包装上的产品名称和批号与下方信息一致。",
		"verdict.sold.title":             "已售出 · 正品",
		"verdict.sold.action":            "这是正品，但已经售出给消费者。如果有人把它当作全新商品卖给您，请向销售方问清楚；如果是您本人购买的，无需操作。",
		"verdict.recalled.title":         "已召回 · 请勿使用",
		"verdict.recalled.action":        "请立即停止使用，并把产品退回销售方。",
		"verdict.suspected_clone.title":  "疑似仿冒",
		"verdict.suspected_clone.action": "监管部门已确认此码在售出后又被再次销售。请勿购买或使用，保留包装，并拨打 12315 向市场监管部门举报。",
		"verdict.decommissioned.title":   "已注销 · 不应在售",
		"verdict.decommissioned.action":  "此产品已登记为销毁、被盗或损坏，不应再出售。请勿购买，并告知销售方。",
		"verdict.unknown.title":          "未登记",
		"verdict.unknown.action":         "此码格式正确，但从未在追溯账本上登记。请勿购买，向销售方核实，或拨打 12315 举报。",
		"verdict.invalid_code.title":     "无效码",
		"verdict.invalid_code.action":    "无法识别此码。请重新扫描，或在下方手动输入包装上的码再查一次。",
		"verdict.mismatch.title":         "批号/有效期不符 · 可能是复制码",
		"verdict.mismatch.action":        "包装上印的批号或日期与账本登记的不一致，此码可能被复制到了其他商品上。请勿购买或使用，并拨打 12315 举报。",

		"section.product":  "产品信息",
		"section.producer": "生产企业",
		"section.batch":    "批次与日期",
		"section.reasons":  "查验依据",
		"section.code":     "标准码",
		"section.input":    "您输入的码",

		"field.name":       "产品名称",
		"field.type":       "产品类型",
		"field.spec":       "型号规格",
		"field.standards":  "执行标准",
		"field.licence":    "生产许可证 / CCC 证书编号",
		"field.producer":   "企业名称",
		"field.uscc":       "统一社会信用代码",
		"field.batch":      "批号",
		"field.production": "生产日期",
		"field.expiry":     "有效期至",
		"field.warranty":   "保修期至",

		"status.expired":         "%s（已过期）",
		"status.not_expired":     "%s（未过期）",
		"status.warranty_active": "%s（在保修期内）",
		"status.warranty_ended":  "%s（已过保修期）",

		"recall.title": "召回通知",
		"recall.body":  "此产品或其所在批次正在召回。请停止使用，联系销售方退货或更换。",
		"recall.id":    "召回编号：%s",

		"reason.unknown":                  "此码从未在追溯账本上登记。",
		"reason.recalled":                 "该产品或其批次正在召回。",
		"reason.suspected_clone":          "监管部门已确认：此产品售出后又被再次销售。",
		"reason.decommissioned":           "此产品已登记为销毁、被盗或损坏。",
		"reason.batch_mismatch":           "包装上的批号 %s 与账本登记的 %s 不一致。",
		"reason.expiry_mismatch":          "包装上的有效期 %s 与账本登记的 %s 不一致。",
		"reason.production_date_mismatch": "包装上的生产日期 %s 与账本登记的 %s 不一致。",
		"reason.expired":                  "有效期（%s）已过。",

		"rule.syntax":                 "码的格式不正确。",
		"rule.check digit":            "校验位不正确：可能是印刷或输入错误。",
		"rule.length":                 "码的长度不正确。",
		"rule.charset":                "码中含有不允许的字符。",
		"rule.unknown form":           "这不是可识别的码：请输入电子码、CCC 证书编号、数字身份码、GS1 元素串或数字链接网址。",
		"rule.date":                   "码中的日期不正确。",
		"rule.qualifier order":        "数字链接中各部分的顺序不正确。",
		"rule.application identifier": "码中含有未知或不允许的 GS1 应用标识符。",
		"rule.value":                  "码中含有该编码规则不允许的值。",

		"notice.ledger unavailable": "暂时无法连接追溯账本，请稍后再试。",
		"notice.rate limited":       "查询太频繁，请稍等片刻再试。",
		"notice.unsupported key":    "这是有效的 GS1 数字链接，但本服务只查验商品（GTIN）、物流单元（SSCC）和位置（GLN）码。",
		"notice.other":              "无法处理此请求，请检查网址或在下方输入包装上的码。",

		"form.title":       "查验一个码",
		"form.again":       "查验其他码",
		"form.label":       "包装上的码",
		"form.hint":        "可输入或粘贴：电子码（Ecode）、CCC 证书编号、数字身份码、GS1 元素串（如 (01)…(21)…）或数字链接网址。",
		"form.placeholder": "例如 (01)09506000134352(21)SN-1",
		"form.submit":      "查验",
	},
	langEN: {
		"page.title":   "Product verification",
		"page.brand":   "tracechain verification",
		"page.source":  "Answer from the tracechain traceability ledger for key industrial products.",
		"page.checked": "Checked at %s (China time, UTC+8)",
		"lang.label":   "Language",
		"lang.zh":      "中文",
		"lang.en":      "English",

		"verdict.genuine.title":          "Genuine",
		"verdict.genuine.action":         "This code is registered on the traceability ledger and the product is in circulation. Check that the name and batch on the pack match the details below.",
		"verdict.sold.title":             "Sold — genuine, already sold",
		"verdict.sold.action":            "This unit is genuine but was already sold to a customer. If it is being sold to you as new, ask the seller why; if you bought it, there is nothing to do.",
		"verdict.recalled.title":         "Recalled — do not use, return it to the seller",
		"verdict.recalled.action":        "Stop using it now and take it back to the seller.",
		"verdict.suspected_clone.title":  "Suspected counterfeit",
		"verdict.suspected_clone.action": "The regulator confirmed that this code was sold again after its sale. Do not buy or use it; keep the pack and report it to the market regulator (12315).",
		"verdict.decommissioned.title":   "Decommissioned — not for sale",
		"verdict.decommissioned.action":  "This unit is recorded as destroyed, stolen or damaged and should not be on sale. Do not buy it, and tell the seller.",
		"verdict.unknown.title":          "Unknown code — not registered",
		"verdict.unknown.action":         "The code is well-formed but was never registered on the ledger. Do not buy it; ask the seller, or report it to 12315.",
		"verdict.invalid_code.title":     "Invalid code",
		"verdict.invalid_code.action":    "This code cannot be read. Scan it again, or type the code from the pack into the form below.",
		"verdict.mismatch.title":         "Batch/expiry mismatch — possibly a copied code",
		"verdict.mismatch.action":        "The batch or date printed on the pack differs from the ledger's record: the code was probably copied onto other goods. Do not buy or use it; report it to 12315.",

		"section.product":  "Product",
		"section.producer": "Producer",
		"section.batch":    "Batch and dates",
		"section.reasons":  "Why this verdict",
		"section.code":     "Canonical code",
		"section.input":    "Code entered",

		"field.name":       "Name",
		"field.type":       "Type",
		"field.spec":       "Model / specification",
		"field.standards":  "Standards",
		"field.licence":    "Production licence / CCC certificate",
		"field.producer":   "Name",
		"field.uscc":       "Unified social credit code",
		"field.batch":      "Batch",
		"field.production": "Production date",
		"field.expiry":     "Use by",
		"field.warranty":   "Warranty until",

		"status.expired":         "%s (expired)",
		"status.not_expired":     "%s (not expired)",
		"status.warranty_active": "%s (under warranty)",
		"status.warranty_ended":  "%s (warranty ended)",

		"recall.title": "Recall notice",
		"recall.body":  "This unit or its batch is under recall. Stop using it and ask the seller for a return or a replacement.",
		"recall.id":    "Recall ID: %s",

		"reason.unknown":                  "The code was never registered on the traceability ledger.",
		"reason.recalled":                 "The unit or its batch is under recall.",
		"reason.suspected_clone":          "The regulator confirmed a report of this unit being sold again after its sale.",
		"reason.decommissioned":           "The unit is recorded as destroyed, stolen or damaged.",
		"reason.batch_mismatch":           "The batch on the pack, %s, differs from the ledger's, %s.",
		"reason.expiry_mismatch":          "The expiry date on the pack, %s, differs from the ledger's, %s.",
		"reason.production_date_mismatch": "The production date on the pack, %s, differs from the ledger's, %s.",
		"reason.expired":                  "The expiry date (%s) has passed.",

		"rule.syntax":                 "The code is not well-formed.",
		"rule.check digit":            "The check digit is wrong: probably a printing or typing error.",
		"rule.length":                 "The code has the wrong length.",
		"rule.charset":                "The code contains a character that is not allowed.",
		"rule.unknown form":           "This is not a code we recognise: enter an Ecode, a CCC certificate number, a digital identity code, a GS1 element string or a Digital Link.",
		"rule.date":                   "A date in the code is not valid.",
		"rule.qualifier order":        "The parts of the Digital Link are in the wrong order.",
		"rule.application identifier": "The code has an unknown or misplaced GS1 application identifier.",
		"rule.value":                  "The code holds a value its scheme does not allow.",

		"notice.ledger unavailable": "The traceability ledger cannot be reached right now. Please try again in a moment.",
		"notice.rate limited":       "Too many checks in a short time. Please wait a moment and try again.",
		"notice.unsupported key":    "This is a valid GS1 Digital Link, but this service only checks trade item (GTIN), logistic unit (SSCC) and location (GLN) codes.",
		"notice.other":              "This request cannot be handled. Check the address, or type the code from the pack below.",

		"form.title":       "Check a code",
		"form.again":       "Check another code",
		"form.label":       "Code from the pack",
		"form.hint":        "Type or paste an Ecode, a CCC certificate number, a digital identity code, a GS1 element string such as (01)…(21)…, or a Digital Link.",
		"form.placeholder": "e.g. (01)09506000134352(21)SN-1",
		"form.submit":      "Check",
	},
}
