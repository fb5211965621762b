# Reference values for regio_analysis.retention on datasets of R's survival package that the
# other references do not use: veteran, ovarian, colon, pbc and cgd, with case weights and
# delayed entry added.
#
# Run (needs r-base-core, r-cran-survival, r-cran-jsonlite):
#   Rscript tests/reference/retention_r/survival_datasets.R
# It writes <name>.csv (the data, with the added columns) and survival_datasets.json beside
# itself. The tests (tests/test_retention_reference.py) only read those files: CI needs no R.
suppressMessages({library(survival); library(jsonlite)})
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))

# deterministic additions from the row number: a non-integer weight, an integer weight and a
# delayed entry for every third row (0.3 of the time, rounded down; always before the end)
augment <- function(d, time) {
  d$rij <- seq_len(nrow(d))
  d$w <- 0.5 + (d$rij %% 7) / 4
  d$w_int <- 1 + d$rij %% 3
  d$entry <- ifelse(d$rij %% 3 == 0, floor(d[[time]] * 0.3), 0)
  d
}
export <- function(d, name) {
  out <- d
  for (col in names(out)) if (is.factor(out[[col]])) out[[col]] <- as.character(out[[col]])
  write.csv(out, file.path(here, paste0(name, ".csv")), row.names = FALSE, na = "")
  d
}

veteran <- export(augment(survival::veteran, "time"), "veteran")
ovarian <- export(augment(survival::ovarian, "futime"), "ovarian")
colon <- survival::colon
colon <- export(augment(colon, "time"), "colon")
pbc <- survival::pbc
pbc$dood <- as.integer(pbc$status == 2)
pbc$lbili <- log(pbc$bili)
pbc <- export(augment(pbc, "time"), "pbc")
cgd <- survival::cgd[, c("id", "center", "treat", "sex", "age", "height", "weight", "inherit", "steroids",
                         "propylac", "hos.cat", "tstart", "enum", "tstop", "status")]
cgd <- augment(cgd, "tstop")
cgd$w <- 0.5 + (cgd$id %% 7) / 4  # a person's weight, the same on each of their rows
cgd <- export(cgd, "cgd")
colon_death <- colon[colon$etype == 2, ]
colon_cc <- colon[!is.na(colon$nodes), ]
pbc312 <- pbc[!is.na(pbc$trt), ]

# --- Kaplan-Meier -----------------------------------------------------------------------
km_table <- function(fit) {
  s <- summary(fit, censored = TRUE)
  out <- list(time = s$time, n_risk = s$n.risk, n_event = s$n.event, surv = s$surv,
              std_err = s$std.err, lower = s$lower, upper = s$upper)
  if (!is.null(s$strata)) out$strata <- as.character(s$strata)
  out
}
km_median <- function(fit) {
  q <- quantile(fit, probs = 0.5)
  list(median = unname(as.vector(q$quantile)), lower = unname(as.vector(q$lower)),
       upper = unname(as.vector(q$upper)))
}
km_case <- function(formula, data, weights = NULL, cluster = NULL) {
  out <- list()
  data$.w <- if (is.null(weights)) 1 else data[[weights]]
  data$.cl <- if (is.null(cluster)) 0 else data[[cluster]]
  for (ct in c("log", "log-log", "plain")) {
    fit <- if (is.null(cluster)) survfit(formula, data = data, weights = .w, conf.type = ct)
           else survfit(formula, data = data, weights = .w, conf.type = ct, cluster = .cl, robust = TRUE)
    key <- gsub("-", "_", ct)
    out[[key]] <- km_table(fit)
    out[[paste0("median_", key)]] <- km_median(fit)
  }
  out
}
ref <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
ref$km_veteran_trt <- km_case(Surv(time, status) ~ trt, veteran)
ref$km_veteran_celltype_w <- km_case(Surv(time, status) ~ celltype, veteran, weights = "w")
ref$km_veteran_entry <- km_case(Surv(entry, time, status) ~ 1, veteran)
ref$km_ovarian_rx_wint <- km_case(Surv(futime, fustat) ~ rx, ovarian, weights = "w_int")
ref$km_pbc_trt_entry <- km_case(Surv(entry, time, dood) ~ trt, pbc)  # trt empty for 106 rows: dropped
ref$km_colon_rx_entry_w <- km_case(Surv(entry, time, status) ~ rx, colon_death, weights = "w")
ref$km_cgd_treat_cluster <- km_case(Surv(tstart, tstop, status) ~ treat, cgd, cluster = "id")

# --- log-rank ---------------------------------------------------------------------------
lr <- function(formula, data) {
  d <- survdiff(formula, data = data)
  tot <- function(x) if (is.matrix(x)) rowSums(x) else as.vector(x)
  list(chisq = d$chisq, df = length(d$n) - 1, observed = tot(d$obs), expected = tot(d$exp),
       groups = sub(".*=", "", names(d$n)))
}
ref$logrank_veteran_celltype <- lr(Surv(time, status) ~ celltype, veteran)
ref$logrank_veteran_trt_strata <- lr(Surv(time, status) ~ trt + strata(celltype), veteran)
ref$logrank_ovarian_rx <- lr(Surv(futime, fustat) ~ rx, ovarian)
ref$logrank_pbc_trt <- lr(Surv(time, dood) ~ trt, pbc)  # rows with empty trt dropped
ref$logrank_colon_rx_strata <- lr(Surv(time, status) ~ rx + strata(sex), colon_death)
# delayed entry: survdiff takes right-censored data only; the score test of the Cox model with
# exact ties is the log-rank test (equal to survdiff's where both apply)
lr_entry <- function(formula, data) list(chisq = unname(coxph(formula, data = data, ties = "exact")$score))
ref$logrank_veteran_trt_entry <- lr_entry(Surv(entry, time, status) ~ trt, veteran)
ref$logrank_veteran_celltype_entry <- lr_entry(Surv(entry, time, status) ~ celltype, veteran)
ref$logrank_pbc_trt_entry <- lr_entry(Surv(entry, time, dood) ~ trt, pbc312)
ref$check_exact_score_is_survdiff <- list(
  score = unname(coxph(Surv(time, status) ~ celltype, data = veteran, ties = "exact")$score),
  survdiff = survdiff(Surv(time, status) ~ celltype, data = veteran)$chisq)

# --- Cox --------------------------------------------------------------------------------
cox_out <- function(fit) {
  s <- summary(fit)$coefficients
  out <- list(names = rownames(s), coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))),
              loglik = fit$loglik[2], concordance = unname(fit$concordance["concordance"]))
  if (!is.null(fit$naive.var)) out$naive_se <- unname(sqrt(diag(fit$naive.var)))
  out
}
vf <- Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior
ref$cox_veteran_efron <- cox_out(coxph(vf, data = veteran))
ref$cox_veteran_breslow <- cox_out(coxph(vf, data = veteran, ties = "breslow"))
ref$cox_veteran_weights <- cox_out(coxph(vf, data = veteran, weights = w))
ref$cox_veteran_strata <- cox_out(coxph(Surv(time, status) ~ trt + karno + age + strata(celltype), data = veteran))
ref$cox_veteran_entry <- cox_out(coxph(Surv(entry, time, status) ~ trt + celltype + karno, data = veteran))
ref$cox_veteran_entry_weights_breslow <- cox_out(coxph(Surv(entry, time, status) ~ trt + celltype + karno,
                                                       data = veteran, weights = w, ties = "breslow"))
of <- Surv(futime, fustat) ~ age + ecog.ps + rx
ref$cox_ovarian_efron <- cox_out(coxph(of, data = ovarian))
ref$cox_ovarian_wint <- cox_out(coxph(of, data = ovarian, weights = w_int))
ref$cox_colon_cluster <- cox_out(coxph(Surv(time, status) ~ rx + sex + age + nodes + strata(etype), data = colon_cc,
                                       cluster = id))
ref$cox_colon_cluster_breslow <- cox_out(coxph(Surv(time, status) ~ rx + sex + age + nodes + strata(etype),
                                               data = colon_cc, cluster = id, ties = "breslow"))
ref$cox_colon_entry_weights <- cox_out(coxph(Surv(entry, time, status) ~ rx + age + nodes,
                                             data = colon_cc[colon_cc$etype == 2, ], weights = w))
pf <- Surv(time, dood) ~ age + edema + lbili + albumin + protime
ref$cox_pbc_efron <- cox_out(coxph(pf, data = pbc312))
ref$cox_pbc_breslow <- cox_out(coxph(pf, data = pbc312, ties = "breslow"))
ref$cox_pbc_entry_weights <- cox_out(coxph(Surv(entry, time, dood) ~ age + edema + lbili + albumin + protime,
                                           data = pbc312, weights = w))
gf <- Surv(tstart, tstop, status) ~ treat + sex + age + inherit + steroids + propylac
ref$cox_cgd_efron <- cox_out(coxph(gf, data = cgd, cluster = id))
ref$cox_cgd_breslow <- cox_out(coxph(gf, data = cgd, cluster = id, ties = "breslow"))
ref$cox_cgd_strata_weights <- cox_out(coxph(Surv(tstart, tstop, status) ~ treat + age + inherit + strata(hos.cat),
                                            data = cgd, cluster = id, weights = w))

# a coefficient that is not estimable: group "c" has no events (R: "Loglik converged before
# variable ...; coefficient may be infinite"); the others are estimated
veteran$groep <- ifelse(veteran$status == 0, "c", ifelse(veteran$rij %% 2 == 0, "a", "b"))
invisible(export(veteran, "veteran"))
ne <- function(ties) {
  fit <- suppressWarnings(coxph(Surv(time, status) ~ groep + karno + age, data = veteran, ties = ties))
  out <- cox_out(fit)
  keep <- out$names != "groepc"
  list(names = out$names[keep], coef = out$coef[keep], se = out$se[keep], infinite = "groepc",
       infinite_coef = unname(coef(fit)["groepc"]))
}
ref$cox_veteran_not_estimable_efron <- ne("efron")
ref$cox_veteran_not_estimable_breslow <- ne("breslow")

writeLines(toJSON(ref, digits = NA, na = "null", auto_unbox = TRUE, pretty = TRUE),
           file.path(here, "survival_datasets.json"))
cat("wrote", file.path(here, "survival_datasets.json"), "\n")
