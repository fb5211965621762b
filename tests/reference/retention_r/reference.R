# Reference values for regio_analysis.retention from R's survival package.
#
# Run (needs r-base-core, r-cran-survival, r-cran-jsonlite):
#   Rscript tests/reference/retention_r/reference.R <lifelines datasets folder>
# e.g. .venv/lib/python3.11/site-packages/lifelines/datasets
# It writes reference.json (and mgus2.csv, exported from the survival package) beside itself.
# The tests only read those files: CI does not need R.
suppressMessages({library(survival); library(jsonlite)})

args <- commandArgs(trailingOnly = TRUE)
lldir <- if (length(args)) args[1] else ".venv/lib/python3.11/site-packages/lifelines/datasets"
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))

rossi <- read.csv(file.path(lldir, "rossi.csv"))
waltons <- read.csv(file.path(lldir, "waltons_dataset.csv"))
lung <- read.csv(file.path(lldir, "lung.csv"))
heart <- read.csv(file.path(lldir, "stanford_heart.csv"))
aids <- read.delim(file.path(lldir, "multicenter_aids_cohort.tsv"))

# deterministic weights computed from the data (the tests compute the same ones)
rossi$w <- 0.5 + (rossi$age %% 7) / 4          # non-integer
lung$w_int <- 1 + (lung$age %% 3)               # integer (frequency-like)
lung$w <- 0.5 + (lung$age %% 7) / 4             # non-integer

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
km_case <- function(formula, data, weights = NULL, horizons = NULL, tau = NULL) {
  out <- list()
  for (ct in c("log", "log-log")) {
    data$.w <- if (is.null(weights)) 1 else data[[weights]]
    fit <- survfit(formula, data = data, weights = .w, conf.type = ct)
    key <- gsub("-", "_", ct)
    out[[key]] <- km_table(fit)
    out[[paste0("median_", key)]] <- km_median(fit)
    if (!is.null(horizons)) {
      s <- summary(fit, times = horizons, extend = TRUE)
      out[[paste0("horizons_", key)]] <- list(time = s$time, surv = s$surv, std_err = s$std.err,
                                              lower = s$lower, upper = s$upper, n_risk = s$n.risk)
    }
    if (!is.null(tau)) {
      tab <- summary(fit, rmean = tau)$table
      if (is.null(dim(tab))) tab <- t(as.matrix(tab))
      out$rmst <- list(tau = tau, rmean = unname(tab[, "rmean"]), se = unname(tab[, "se(rmean)"]))
    }
  }
  out
}

ref <- list(meta = list(R = R.version.string, survival = as.character(packageVersion("survival"))))
ref$km_waltons <- km_case(Surv(T, E) ~ group, waltons, tau = 50)
ref$km_lung <- km_case(Surv(time, status) ~ 1, lung, horizons = c(180, 365, 730), tau = 365)
ref$km_lung_wint <- km_case(Surv(time, status) ~ 1, lung, weights = "w_int", horizons = c(180, 365))
ref$km_lung_w <- km_case(Surv(time, status) ~ 1, lung, weights = "w", horizons = c(180, 365))
ref$km_aids_trunc <- km_case(Surv(W, T, D) ~ 1, aids, horizons = c(5, 8))

lr <- function(formula, data) {
  d <- survdiff(formula, data = data)
  tot <- function(x) if (is.matrix(x)) rowSums(x) else as.vector(x)
  list(chisq = d$chisq, df = length(d$n) - 1, observed = tot(d$obs), expected = tot(d$exp))
}
ref$logrank_waltons <- lr(Surv(T, E) ~ group, waltons)
ref$logrank_lung_sex <- lr(Surv(time, status) ~ sex, lung)
ref$logrank_rossi_fin_strata <- lr(Surv(week, arrest) ~ fin + strata(wexp), rossi)

# --- Cox --------------------------------------------------------------------------------
cox_out <- function(fit) {
  s <- summary(fit)$coefficients
  out <- list(names = rownames(s), coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))),
              loglik = fit$loglik[2], concordance = unname(fit$concordance["concordance"]))
  if (!is.null(fit$naive.var)) out$naive_se <- unname(sqrt(diag(fit$naive.var)))
  out
}
rf <- Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio
ref$cox_rossi_efron <- cox_out(coxph(rf, data = rossi, ties = "efron"))
ref$cox_rossi_breslow <- cox_out(coxph(rf, data = rossi, ties = "breslow"))
ref$cox_rossi_strata <- cox_out(coxph(Surv(week, arrest) ~ fin + age + prio + strata(wexp, mar), data = rossi))
ref$cox_rossi_weights <- cox_out(coxph(Surv(week, arrest) ~ fin + age + prio, data = rossi, weights = w))
ref$cox_rossi_weights_robust <- cox_out(coxph(Surv(week, arrest) ~ fin + age + prio, data = rossi, weights = w,
                                              robust = TRUE))
ref$cox_rossi_weights_breslow <- cox_out(coxph(Surv(week, arrest) ~ fin + age + prio, data = rossi, weights = w,
                                               ties = "breslow", robust = TRUE))
lung_cc <- lung[!is.na(lung$inst) & !is.na(lung$ph.ecog), ]
ref$cox_lung_cluster_efron <- cox_out(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc,
                                            cluster = inst))
ref$cox_lung_cluster_breslow <- cox_out(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc,
                                              cluster = inst, ties = "breslow"))
ref$cox_lung_cluster_weights <- cox_out(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc,
                                              cluster = inst, weights = w))
hf <- Surv(start, stop, event) ~ age + year + surgery + transplant
ref$cox_heart_efron <- cox_out(coxph(hf, data = heart, cluster = id))
ref$cox_heart_breslow <- cox_out(coxph(hf, data = heart, cluster = id, ties = "breslow"))
ref$cox_aids_trunc <- cox_out(coxph(Surv(W, T, D) ~ AIDSY, data = aids))

# --- discrete time: cloglog GLM on person-period rows of rossi (4-week periods) -------------
pp <- do.call(rbind, lapply(seq_len(nrow(rossi)), function(i) {
  r <- rossi[i, ]
  last <- ceiling(r$week / 4)
  data.frame(periode = seq_len(last), event = c(rep(0, last - 1), r$arrest),
             fin = r$fin, age = r$age, prio = r$prio)
}))
g <- glm(event ~ factor(periode) + fin + age + prio, data = pp, family = binomial(link = "cloglog"))
sg <- summary(g)$coefficients
keep <- c("fin", "age", "prio")
ref$glm_rossi_cloglog <- list(names = keep, coef = unname(sg[keep, 1]), se = unname(sg[keep, 2]),
                              n_rows = nrow(pp))
g2 <- glm(event ~ factor(periode) + fin + age + prio, data = pp, family = binomial(link = "logit"))
sg2 <- summary(g2)$coefficients
ref$glm_rossi_logit <- list(names = keep, coef = unname(sg2[keep, 1]), se = unname(sg2[keep, 2]))

# --- competing risks: Aalen-Johansen on mgus2 ----------------------------------------------
m <- mgus2
m$etime <- ifelse(m$pstat == 0, m$futime, m$ptime)
m$event <- ifelse(m$pstat == 0, 2 * m$death, 1)
m$status <- factor(m$event, 0:2, labels = c("censor", "pcm", "death"))
write.csv(m[, c("id", "age", "sex", "etime", "event")], file.path(here, "mgus2.csv"), row.names = FALSE)
aj <- survfit(Surv(etime, status) ~ 1, data = m)
times <- c(12, 60, 120, 240, 360)
s <- summary(aj, times = times)
states <- s$states
ref$aj_mgus2 <- list(time = s$time, states = states,
                     pcm = s$pstate[, states == "pcm"], death = s$pstate[, states == "death"],
                     pcm_se = s$std.err[, states == "pcm"], death_se = s$std.err[, states == "death"],
                     pcm_lower = s$lower[, states == "pcm"], pcm_upper = s$upper[, states == "pcm"])
ref$cox_mgus2_pcm <- cox_out(coxph(Surv(etime, event == 1) ~ age + sex, data = m))
ref$cox_mgus2_death <- cox_out(coxph(Surv(etime, event == 2) ~ age + sex, data = m))

writeLines(toJSON(ref, digits = NA, na = "null", auto_unbox = TRUE, pretty = TRUE),
           file.path(here, "reference.json"))
cat("wrote", file.path(here, "reference.json"), "\n")
