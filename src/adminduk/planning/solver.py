"""The mixed-integer program, solved with HiGHS (highspy).

For each kecamatan i, with T working days to the deadline, T' = T - lead days for new
equipment, c_i recordings per set per day at day hours, f the evening's share of a day, s_i
sets and p_i printers now, R_i wajib KTP not yet recorded, P cards per printer per day:

  x_i  recording sets added (integer, 0..max_sets - s_i)
  y_i  card printers added (integer, 0..max_printers - p_i)
  v_i  evening opened (binary; fixed to 1 where the office already serves evenings)
  q_i  = x_i * v_i, the new sets' evening work (continuous; q <= x, q <= ub(x) v)
  d_i  cards of i printed at the Dinas (continuous)
  u_i  recordings of i left undone at the deadline (continuous, 0..R_i)
  w_i  cards of i that cannot be printed by the deadline (continuous, 0..R_i)
  y_D  printers added at the Dinas (integer)

  recording  c T' x + f c T s v + f c T' q + u >= R - c T s
  printing   P T' y + d + u + w >= R - P T p       (no card for a recording left undone)
  Dinas      sum d - P T' y_D <= P T D
  budget     sum(set x + printer y + evening v) + printer y_D <= B
  undone     sum u <= U, sum w <= W

The planner solves it in phases by changing only costs and row bounds (planner.py)."""

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
from django.utils.translation import gettext as _

from .model import JUTA, PlanRequest

INF = highspy.kHighsInf
# Cards printed at the Dinas instead of at their own kecamatan cost at most this much (juta
# rupiah) in the objective, all together: only a tie-breaker, so cards stay where a printer is.
DINAS_CARDS_PENALTY = 1e-3
# Stop when the plan is proven within 0.1% of the least cost, or when no cheaper plan can exist:
# every cost is a multiple of the greatest common divisor of the prices, so a plan less than
# that above the bound is optimal.
MIP_REL_GAP = 1e-3


class SolverFailed(Exception):
    pass


@dataclass
class Solution:
    add_sets: np.ndarray
    add_printers: np.ndarray
    evening: np.ndarray
    at_dinas: np.ndarray
    undone: np.ndarray
    cards_late: np.ndarray
    add_dinas_printers: int
    objective: float
    mip_gap: float
    seconds: float


class Program:
    def __init__(self, request: PlanRequest, working_days: int, *, time_limit: float = 50.0):
        self.request = request
        kec = request.kecamatan
        limits, costs = request.limits, request.costs
        n = self.n = len(kec)
        T = working_days
        Tn = max(0, T - limits.lead_days)
        f = limits.evening_share
        P = limits.cards_per_printer_per_day
        s = np.array([k.sets for k in kec], dtype=float)
        p = np.array([k.printers for k in kec], dtype=float)
        R = np.array([k.remaining for k in kec], dtype=float)
        self.remaining = R
        self.remaining_total = R.sum()
        ev = np.array([k.evening for k in kec], dtype=bool)
        # The day rate: where the office already serves evenings, per_set_per_day includes them.
        c = np.array([k.per_set_per_day for k in kec], dtype=float) / np.where(ev, 1 + f, 1)
        ub_x = np.maximum(0, limits.max_sets - s)
        ub_y = np.maximum(0, limits.max_printers - p)
        ub_yd = max(0, limits.max_dinas_printers - request.dinas_printers)
        self.evening_cost = np.where(ev, 0.0, costs.evening_for(T) / JUTA)
        # What no budget can buy, in closed form (each kecamatan's recording is independent of
        # the others; printing shares only the Dinas's printers): every set the office has room
        # for, working evenings, and every printer.
        most_recorded = c * (1 + f) * (T * s + Tn * ub_x)
        self.least_undone = np.maximum(0.0, R - most_recorded)
        overflow = np.maximum(0.0, R - self.least_undone - P * (T * p + Tn * ub_y))
        self.least_late = max(0.0, float(overflow.sum()) - P * (T * request.dinas_printers + Tn * ub_yd))

        X, Y, V, Q, D, U, W = (np.arange(n) + k * n for k in range(7))
        YD = 7 * n
        self.cols = dict(x=X, y=Y, v=V, q=Q, d=D, u=U, w=W, yd=YD)
        num_cols = self.num_cols = 7 * n + 1
        lower = np.zeros(num_cols)
        upper = np.concatenate([ub_x, ub_y, np.ones(n), ub_x, R, R, R, [ub_yd]])
        lower[V[ev]] = 1  # an evening already served stays open, at no cost
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
        self.price_step = _price_step(request, T) / JUTA - 2 * DINAS_CARDS_PENALTY
        h.setOptionValue("random_seed", 1)
        h.addVars(num_cols, lower, upper)
        integer = np.concatenate([X, Y, V, [YD]]).astype(np.int32)
        h.changeColsIntegrality(len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8))

        rows = _Rows()
        # recording
        rows.add_block(
            n,
            lower=R - c * T * s,
            upper=np.full(n, INF),
            columns=[(X, c * Tn), (V, f * c * T * s), (Q, f * c * Tn), (U, np.ones(n))],
        )
        # q <= x and q <= ub_x v
        rows.add_block(n, lower=np.full(n, -INF), upper=np.zeros(n), columns=[(Q, np.ones(n)), (X, -np.ones(n))])
        rows.add_block(n, lower=np.full(n, -INF), upper=np.zeros(n), columns=[(Q, np.ones(n)), (V, -ub_x)])
        # printing
        rows.add_block(
            n,
            lower=R - P * T * p,
            upper=np.full(n, INF),
            columns=[(Y, np.full(n, float(P * Tn))), (D, np.ones(n)), (U, np.ones(n)), (W, np.ones(n))],
        )
        # the Dinas's printers
        rows.add_row(-INF, P * T * request.dinas_printers, np.concatenate([D, [YD]]), np.concatenate([np.ones(n), [-P * Tn]]))
        # budget (juta rupiah) and undone recordings: open until a phase closes them
        self.budget_row = rows.count
        self.cost_columns = np.concatenate([X, Y, V, [YD]])
        self.cost_values = np.concatenate(
            [np.full(n, costs.recording_set / JUTA), np.full(n, costs.printer / JUTA), self.evening_cost, [costs.printer / JUTA]]
        )
        rows.add_row(-INF, INF, self.cost_columns, self.cost_values)
        self.undone_row = rows.count
        rows.add_row(-INF, INF, U, np.ones(n))
        self.late_row = rows.count
        rows.add_row(-INF, INF, W, np.ones(n))
        rows.pass_to(h)

    def _objective(self, kind: str) -> np.ndarray:
        cost = np.zeros(self.num_cols)
        if kind == "cost":
            cost[self.cost_columns] = self.cost_values
            cost[self.cols["d"]] = DINAS_CARDS_PENALTY / max(1.0, float(self.remaining_total))
        else:  # "undone": fewest recordings left undone, then fewest cards late, then cheap
            # Where more remain, a recording left undone weighs a little more: among plans that
            # leave as many undone, sets go first where the most wajib KTP are waiting.
            cost[self.cols["u"]] = 1.0 + 1e-3 * self.remaining / max(1.0, float(self.remaining.max(initial=0)))
            cost[self.cols["w"]] = 1e-3
            cost[self.cost_columns] = self.cost_values * 1e-6
        return cost

    def solve(
        self,
        objective: str,
        *,
        budget: float | None = None,
        max_undone: float | None = None,
        max_late: float | None = None,
        time_limit: float | None = None,
    ) -> Solution | None:
        """None when infeasible. Past the time limit, the best plan found so far (its gap says
        how far from the best possible it may be)."""
        h = self.h
        if time_limit is not None:
            h.setOptionValue("time_limit", max(1.0, float(time_limit)))
        cost = self._objective(objective)
        # A cost plan is optimal within one price step; an "undone" plan only by the relative gap.
        h.setOptionValue("mip_abs_gap", self.price_step if objective == "cost" else 1e-6)
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        h.changeRowBounds(self.budget_row, -INF, INF if budget is None else budget / JUTA)
        h.changeRowBounds(self.undone_row, -INF, INF if max_undone is None else max_undone)
        h.changeRowBounds(self.late_row, -INF, INF if max_late is None else max_late)
        started = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - started
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        info = h.getInfo()
        if info.primal_solution_status != highspy.kSolutionStatusFeasible:
            if status == highspy.HighsModelStatus.kTimeLimit:
                raise SolverFailed(_("The solver (HiGHS) found no plan within its time limit."))
            raise SolverFailed(_("The solver (HiGHS) stopped without a plan (%(status)s).") % {"status": h.modelStatusToString(status)})
        values = np.asarray(h.getSolution().col_value)
        c = self.cols
        return Solution(
            add_sets=np.rint(values[c["x"]]).astype(int),
            add_printers=np.rint(values[c["y"]]).astype(int),
            evening=np.rint(values[c["v"]]).astype(bool),
            at_dinas=np.maximum(values[c["d"]], 0),
            undone=np.maximum(values[c["u"]], 0),
            cards_late=np.maximum(values[c["w"]], 0),
            add_dinas_printers=int(round(values[c["yd"]])),
            objective=float(info.objective_function_value),
            mip_gap=float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0,
            seconds=seconds,
        )


def _price_step(request: PlanRequest, working_days: int) -> int:
    """The greatest common divisor of the prices a plan can spend (rupiah, at least 1)."""
    prices = [request.costs.recording_set, request.costs.printer]
    if not all(k.evening for k in request.kecamatan):
        prices.append(request.costs.evening_for(working_days))
    return max(1, math.gcd(*(int(p) for p in prices)))


class _Rows:
    """Rows gathered block by block, passed to HiGHS row-wise in one call."""

    def __init__(self):
        self.lower, self.upper, self.starts, self.indices, self.values = [], [], [], [], []
        self.count = 0
        self.nnz = 0

    def add_row(self, lower, upper, columns, values):
        self.add_block(1, lower=np.array([lower]), upper=np.array([upper]), columns=None, dense=(columns, values))

    def add_block(self, m, *, lower, upper, columns, dense=None):
        """m rows; `columns` is a list of (column indices, coefficients), one entry per row each."""
        if dense is not None:
            idx, val = np.asarray(dense[0], dtype=np.int32), np.asarray(dense[1], dtype=float)
            self.starts.append(np.array([self.nnz], dtype=np.int32))
            self.indices.append(idx)
            self.values.append(val)
            self.nnz += len(idx)
        else:
            k = len(columns)
            idx = np.stack([np.asarray(col, dtype=np.int32) for col, _ in columns], axis=1).reshape(-1)
            val = np.stack([np.asarray(v, dtype=float) for _, v in columns], axis=1).reshape(-1)
            self.starts.append((self.nnz + np.arange(m) * k).astype(np.int32))
            self.indices.append(idx)
            self.values.append(val)
            self.nnz += m * k
        self.lower.append(np.asarray(lower, dtype=float))
        self.upper.append(np.asarray(upper, dtype=float))
        self.count += m

    def pass_to(self, h):
        values = np.concatenate(self.values)
        indices = np.concatenate(self.indices)
        keep = values != 0
        # Drop zero coefficients, recomputing each row's start.
        row_of = np.repeat(np.arange(self.count), np.diff(np.append(np.concatenate(self.starts), self.nnz)))
        starts = np.searchsorted(row_of[keep], np.arange(self.count)).astype(np.int32)
        h.addRows(
            self.count,
            np.concatenate(self.lower),
            np.concatenate(self.upper),
            int(keep.sum()),
            starts,
            indices[keep].astype(np.int32),
            values[keep],
        )
