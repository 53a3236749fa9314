//! The closed vocabularies of incidents, each with its Japanese label.

labelled_enum! {
    /// Where an incident stands, judged from its events ([`super::status_of`]).
    pub enum IncidentStatus {
        /// 受付待ち: reported, nobody has acknowledged it yet.
        Reported = ("reported", "受付待ち"),
        /// 対応中: acknowledged; recovery under way.
        Responding = ("responding", "対応中"),
        /// 保留中: waiting for the lessor or for J-LIS; the clocks stand still.
        Paused = ("paused", "保留中"),
        /// 復旧済み: the contractor reports it recovered; the City has still to accept.
        Resolved = ("resolved", "復旧済み"),
        /// 完了: the City accepted the recovery.
        Accepted = ("accepted", "完了"),
    }
}

impl IncidentStatus {
    /// Still open: not yet recovered (the list shows these first).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Reported | Self::Responding | Self::Paused)
    }
}

labelled_enum! {
    /// One event of an incident's timeline.
    pub enum EventKind {
        Reported = ("reported", "障害の受付"),
        Acknowledged = ("acknowledged", "対応の開始"),
        Arrived = ("arrived", "現地到着"),
        JlisAsked = ("jlis_asked", "J-LISへの問い合わせ"),
        JlisAnswered = ("jlis_answered", "J-LISからの回答"),
        LogCollected = ("log_collected", "障害ログの取得"),
        ActionTaken = ("action_taken", "復旧処置"),
        OperationChecked = ("operation_checked", "動作確認"),
        Escalated = ("escalated", "機器賃貸業者への依頼"),
        LessorVisited = ("lessor_visited", "機器賃貸業者の来訪"),
        DeviceReplaced = ("device_replaced", "機器の交換"),
        Paused = ("paused", "保留"),
        Resumed = ("resumed", "再開"),
        Resolved = ("resolved", "復旧"),
        Accepted = ("accepted", "復旧の確認"),
        /// The system operations or network contractor took part (R9.1, R9.3), the City
        /// told beforehand.
        PartyInvolved = ("party_involved", "他事業者の関与"),
        /// A re-setup task of a swap done.
        TaskDone = ("task_done", "再設定作業の完了"),
        Note = ("note", "メモ"),
    }
}

labelled_enum! {
    /// Why an incident waits: the time spent so does not count against the contractor.
    pub enum PauseReason {
        Lessor = ("lessor", "機器賃貸業者の対応待ち"),
        Jlis = ("jlis", "J-LISの回答待ち"),
    }
}

labelled_enum! {
    /// How urgent the City judges a fault.
    pub enum Urgency {
        High = ("high", "至急"),
        Normal = ("normal", "通常"),
        Low = ("low", "低"),
    }
}

labelled_enum! {
    /// The two service-level clocks of an incident.
    pub enum Measure {
        /// 対応時間: from the report to the first acknowledgement or arrival.
        Respond = ("respond", "対応時間"),
        /// 復旧時間: from the report to the resolution.
        Recover = ("recover", "復旧時間"),
    }
}

labelled_enum! {
    /// Whether a clock runs now.
    pub enum ClockState {
        Running = ("running", "計測中"),
        Paused = ("paused", "停止中（保留）"),
        Stopped = ("stopped", "終了"),
    }
}

labelled_enum! {
    /// A clock against its target.
    pub enum SlaLevel {
        /// No target is set: the clock only shows elapsed business time.
        NoTarget = ("no_target", "目標なし"),
        Within = ("within", "目標内"),
        /// At or past the near-breach share of the target.
        Near = ("near", "目標に接近"),
        Breached = ("breached", "目標超過"),
    }
}

labelled_enum! {
    /// A re-setup task a device swap leaves before the incident can close (R4.2).
    pub enum TaskKind {
        /// ク: the new touch panel's settings adjusted.
        SettingAdjustment = ("setting_adjustment", "設定調整"),
        /// キ: a job of ア イ ウ エ applied to the failed terminal this year, applied again.
        Reapply = ("reapply", "作業の再適用"),
        /// キ: a new administrator password (オ) set on the new terminal.
        AdminPassword = ("admin_password", "管理者パスワードの設定"),
    }
}
